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

# --- Helpers for the change, threads and file tests (kernel views only). ---

# The kernel's fields for the main thread (the tid equal to the pid), as
# one dict; the starting point that expected values are derived from.
proc kernelMain {} { dict get [kernelThreads] [pid] }

# A /proc 16-digit hex mask without the bits given (an integer).
proc maskMinus {hex bits} { format %016llx [expr {[scan $hex %llx] & ~$bits}] }

# "ok N" when every one of the N threads shows each field of expected with
# exactly that value; otherwise "differ N {tid field=value (want w) ...}".
proc expectAllThreads {expected} {
    set threads [kernelThreads]
    set bad {}
    dict for {tid d} $threads {
        dict for {field want} $expected {
            if {[dict get $d $field] ne $want} {
                lappend bad "$tid $field=[dict get $d $field] (want $want)"
            }
        }
    }
    if {[llength $bad]} { return [list differ [dict size $threads] $bad] }
    return [list ok [dict size $threads]]
}

# The first line of each field in the status of a child exec'ed now from
# the calling thread: what a program started by this thread gets.
proc execStatus {{fields {CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs}}} {
    set out {}
    foreach line [split [exec cat /proc/self/status] \n] {
        if {[regexp {^(\w+):\s*(.*)$} $line -> k v] && $k in $fields} {
            dict set out $k [string trim $v]
        }
    }
    return $out
}

# capsh --print run from the calling thread, as a dict of its lines that
# matter here: Current, Bounding, Ambient, and the four securebit lines
# ("secure-noroot" -> "yes (unlocked)").
proc capshPrint {} {
    set out {}
    foreach line [split [exec /usr/sbin/capsh --print] \n] {
        set line [string trim $line]
        if {[regexp {^Current: (.*)$} $line -> v]} {
            dict set out Current $v
        } elseif {[regexp {^(Bounding|Ambient) set =(.*)$} $line -> k v]} {
            dict set out $k $v
        } elseif {[regexp {^(secure-[a-z-]+): (.*)$} $line -> k v]} {
            dict set out $k $v
        }
    }
    return $out
}

# The definition of proc name, defaults included, as a script.
proc procDef {name} {
    set params {}
    foreach a [info args $name] {
        if {[info default $name $a d]} { lappend params [list $a $d] } else { lappend params $a }
    }
    list proc $name $params [info body $name]
}

# Starts n Thread-package threads that know execStatus and capshPrint, so
# each can report what its own exec'ed children get; returns their ids.
proc makeThreads {n} {
    package require Thread
    set script [join [list [procDef execStatus] [procDef capshPrint] thread::wait] \n]
    set ids {}
    for {set i 0} {$i < $n} {incr i} { lappend ids [thread::create $script] }
    return $ids
}

# The result of script in this thread followed by its result in each of
# the thread ids: how every interpreter-owning thread sees the kernel.
proc inEveryThread {ids script} {
    set out [list [uplevel #0 $script]]
    foreach id $ids { lappend out [thread::send $id $script] }
    return $out
}

# Kernel securebits are not in /proc; cap::threads reads PR_GET_SECUREBITS
# inside each thread. "ok N" when all N threads show exactly flags.
proc expectSecurebits {flags} {
    set bad {}
    set t [cap::threads]
    dict for {tid d} $t {
        if {[lsort [dict get $d securebits]] ne [lsort $flags]} {
            lappend bad "$tid [list [dict get $d securebits]]"
        }
    }
    if {[llength $bad]} { return [list differ [dict size $t] $bad] }
    return [list ok [dict size $t]]
}

# {errorCode message} of a command expected to fail, or {ok result}.
proc errorOf {script} {
    if {[catch {uplevel #0 $script} msg opts]} {
        return [list [dict get $opts -errorcode] $msg]
    }
    return [list ok $msg]
}

# getpcaps' text for this process (libcap's reading of the kernel).
proc pcaps {} { string trim [lindex [split [exec getpcaps [pid]] :] 1] }

# Ends this process after secs if a test deadlocks: a thread of its own,
# since a blocked main thread would never run a timer. One extra thread.
proc watchdog {secs} {
    package require Thread
    thread::create [list apply {{secs} {
        after [expr {$secs * 1000}]
        puts stderr "watchdog: still running after $secs s"
        exit 3
    }} $secs]
}

# package require cap, without the warning the package prints on stderr
# (which capt::run mixes into the output) when an interpreter with file
# capabilities has TCLLIBPATH set: auto_path already holds the build
# folder, so the variable is no longer needed.
proc loadCap {} {
    unset -nocomplain ::env(TCLLIBPATH)
    package require cap
}
