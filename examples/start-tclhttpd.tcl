# The start script the units run: bind, drop, then tclhttpd.
#   tclsh start-tclhttpd.tcl ?-user USER? /path/to/tclhttpd/bin/httpd.tcl ?tclhttpd options?
package require cap::tclhttpd
cap::tclhttpd::start {*}$argv
