# Sourced first by every child interpreter a test starts: reads what the
# kernel says, never what the package thinks.

# {tid {field value ...} ...} for every thread of this process, from
# /proc/self/task/*/status.
proc kernelThreads {{pid self}} {
    set out {}
    foreach dir [glob -nocomplain -directory /proc/$pid/task *] {
        set f [open $dir/status]
        set d {}
        foreach line [split [read $f] \n] {
            if {[regexp {^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):\s*(.*)$} \
                    $line -> k v]} {
                dict set d $k [string trim $v]
            }
        }
        close $f
        dict set out [file tail $dir] $d
    }
    return $out
}

# The one value every thread shows for field, or an error listing them all.
proc sameInAllThreads {field {pid self}} {
    set values {}
    dict for {tid d} [kernelThreads $pid] { dict set values [dict get $d $field] $tid }
    if {[dict size $values] != 1} { error "threads differ in $field: $values" }
    return [lindex [dict keys $values] 0]
}

proc threadCount {{pid self}} { llength [glob -directory /proc/$pid/task *] }
proc fdCount {} { llength [glob -nocomplain -directory /proc/self/fd *] }

# Starts the notifier thread, as any event-driven script does.
proc startEventLoop {} { after 1 {set ::_tick 1}; vwait ::_tick }

# Capabilities as hex masks (what /proc shows) for names.
proc capMask {args} {
    set m 0
    foreach c $args { set m [expr {$m | (1 << [lsearch [cap::names] $c])}] }
    return [format %016x $m]
}
