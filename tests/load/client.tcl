# Load test client: TOTAL connections, CONCURRENCY at a time, alternating
# 127.0.0.1 and ::1; counts answers, refusals, resets. Then asks port 81.
lassign $argv total concurrency
set started 0; set open 0; set ok 0; set failed {}
proc one {} {
    global started total open
    if {$started >= $total} return
    incr started; incr open
    set host [expr {$started % 2 ? "127.0.0.1" : "::1"}]
    if {[catch {socket -async $host 80} c]} { fail $c; return }
    fconfigure $c -blocking 0 -translation lf
    fileevent $c writable [list connected $c]
}
proc fail {why} {
    global failed open
    if {[llength $failed] < 10} { lappend failed $why }
    lappend ::failures $why
    incr open -1
    next
}
proc next {} {
    one
    if {$::open == 0} { set ::done 1 }
}
proc connected {c} {
    fileevent $c writable {}
    set err [fconfigure $c -error]
    if {$err ne ""} { close $c; fail $err; return }
    if {[catch {puts $c hi; flush $c} e]} { catch {close $c}; fail $e; return }
    fileevent $c readable [list answered $c]
}
proc answered {c} {
    if {[catch {gets $c line} n]} { catch {close $c}; fail $n; return }
    if {$n < 0 && ![eof $c]} return
    close $c
    if {$line eq "ok"} { incr ::open -1; incr ::ok; next } else { fail "eof without answer" }
}
set ::failures {}
set t0 [clock milliseconds]
for {set i 0} {$i < $concurrency} {incr i} one
after 180000 {set ::done timeout}
vwait ::done
set ms [expr {[clock milliseconds] - $t0}]
set s [socket 127.0.0.1 81]
set report [gets $s]
close $s
puts [list ok $ok failed [llength $::failures] sample $failed ms $ms server $report]
