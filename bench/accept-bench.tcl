# Throughput of cap::socket -server against Tcl's own socket -server: the
# same tiny HTTP handler, driven by wrk with "Connection: close" (so every
# request is a new connection and accepting dominates), runs alternating.
#   tclsh accept-bench.tcl ?-rounds N? ?-seconds S? ?-connections C? ?-threads T?
# Needs wrk (Debian package wrk) and TCLLIBPATH pointing at the build.
array set opt {-rounds 5 -seconds 4 -connections 64 -threads 1}
array set opt $argv
set here [file dirname [file normalize [info script]]]
set tclsh [info nameofexecutable]

proc freePort {} {
    set s [socket -server {} -myaddr 127.0.0.1 0]
    set p [lindex [fconfigure $s -sockname] 2]
    close $s
    return $p
}

proc median {xs} {
    set xs [lsort -real $xs]
    set n [llength $xs]
    expr {$n % 2 ? [lindex $xs [expr {$n / 2}]]
          : ([lindex $xs [expr {$n / 2 - 1}]] + [lindex $xs [expr {$n / 2}]]) / 2.0}
}

# wrk's latency text ("1.23ms", "850.00us", "1.01s") in milliseconds.
proc ms {text} {
    regexp {^([0-9.]+)(us|ms|s)$} $text -> v unit
    expr {$v * [dict get {us 0.001 ms 1.0 s 1000.0} $unit]}
}

proc run {kind} {
    global opt here tclsh
    set port [freePort]
    set srv [open "|[list $tclsh [file join $here tiny-server.tcl] $kind $port] 2>@1" r]
    gets $srv
    set out [exec wrk -t$opt(-threads) -c$opt(-connections) -d$opt(-seconds)s --latency \
        -H "Connection: close" http://127.0.0.1:$port/]
    exec kill [pid $srv]
    catch {close $srv}
    regexp {Requests/sec:\s+([0-9.]+)} $out -> rps
    regexp -line {^\s+99%\s+(\S+)} $out -> p99
    set errors 0
    if {[regexp {Non-2xx or 3xx responses: (\d+)} $out -> n]} { incr errors $n }
    if {[regexp {Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)} $out -> c r w t]} {
        incr errors [expr {$c + $w + $t}]
    }
    return [list $rps [ms $p99] $errors]
}

set results {core {} cap {}}
for {set i 1} {$i <= $opt(-rounds)} {incr i} {
    foreach kind [expr {$i % 2 ? {core cap} : {cap core}}] {
        lassign [run $kind] rps p99 errors
        dict lappend results $kind [list $rps $p99 $errors]
        puts [format "round %d %-4s %9.1f req/s  p99 %8.2f ms  errors %d" $i $kind $rps $p99 $errors]
    }
}
foreach kind {core cap} {
    set medRps($kind) [median [lmap r [dict get $results $kind] {lindex $r 0}]]
    set medP99($kind) [median [lmap r [dict get $results $kind] {lindex $r 1}]]
}
puts [format "median core %.1f req/s (p99 %.2f ms), cap %.1f req/s (p99 %.2f ms)" \
    $medRps(core) $medP99(core) $medRps(cap) $medP99(cap)]
puts [format "ratio cap/core %.3f" [expr {$medRps(cap) / $medRps(core)}]]
