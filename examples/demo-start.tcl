# The demo's start script: shows what the process holds, then hands over to
# cap::tclhttpd::start (bind, drop, run the server).
package require cap::tclhttpd
puts "before the drop: cap::get = [cap::get]  (pid [pid], uid [lindex [dict get [lindex [dict values [cap::threads]] 0] uid] 0])"
flush stdout
cap::tclhttpd::start {*}$argv
