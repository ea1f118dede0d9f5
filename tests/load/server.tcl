# Load test server: port 80 (both families) after cap::lockdown; every
# connection sends a line and gets "ok". Port 81 reports and ends it.
package require cap
proc fdCount {} { llength [glob -nocomplain -directory /proc/self/fd *] }
set served 0
set peak 0
proc accept {chan addr port} {
    incr ::served
    # Open channels at most: near the descriptor limit means accept(2) met EMFILE.
    set n [llength [chan names]]
    if {$n > $::peak} { set ::peak $n }
    fconfigure $chan -blocking 0 -translation lf
    fileevent $chan readable [list reply $chan]
}
proc reply {chan} {
    if {[gets $chan line] < 0} {
        if {[eof $chan]} { close $chan }
        return
    }
    puts $chan ok
    close $chan
}
proc control {chan addr port} {
    fconfigure $chan -translation lf
    # Connections closed with output queued finish in the background.
    for {set i 0} {$i < 100 && [fdCount] > $::base + 1} {incr i} { after 20; update }
    set k {}
    foreach f {CapPrm CapEff CapAmb NoNewPrivs} {
        regexp -line "^$f:\\s*(\\S+)" [exec cat /proc/[pid]/status] -> v
        lappend k $v
    }
    puts $chan [list served $::served fds [expr {[fdCount] - 1}] base $::base kernel $k peak $::peak]
    close $chan
    set ::forever 1
}
set data [cap::socket -server accept -backlog 4096 80]
set ctl [cap::socket -server control -family inet 81]
cap::lockdown
after 1 {set ::tick 1}; vwait ::tick
set base [fdCount]
vwait forever
