# A tiny HTTP server for the benchmark: the same handler behind Tcl's own
# socket -server ("core") or cap::socket -server ("cap").
#   tclsh tiny-server.tcl core|cap PORT
lassign $argv kind port
proc accept {chan addr port} {
    fconfigure $chan -blocking 0 -translation {auto crlf} -buffering full
    fileevent $chan readable [list request $chan]
}
proc request {chan} {
    while {[gets $chan line] > 0} {}
    if {[eof $chan]} { close $chan; return }
    if {[fblocked $chan]} return
    # The blank line ends the request head.
    puts -nonewline $chan "HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 3\nConnection: close\n\nok\n"
    fileevent $chan readable {}
    fileevent $chan writable [list done $chan]
}
proc done {chan} { close $chan }
if {$kind eq "cap"} {
    package require cap
    set srv [cap::socket -server accept -myaddr 127.0.0.1 $port]
} else {
    set srv [socket -server accept -myaddr 127.0.0.1 $port]
}
puts ready
flush stdout
vwait forever
