# cap::tclhttpd -- start an unmodified tclhttpd 3.5 on privileged ports
# without ever running its code with a capability.
#
#   cap::tclhttpd::start ?-listen SPEC? ?-user USER? ?-group GROUP? HTTPD_TCL ?ARG ...?
#
# 1. Works out the listeners from tclhttpd's own arguments (-port,
#    -ipaddr, -https_port, -https_ipaddr; its config file's values or its
#    defaults otherwise) or from -listen, and binds them with cap::socket,
#    or adopts systemd's sockets when LISTEN_FDS is set.
# 2. Drops privilege: cap::setuser for a root start (which must say
#    -user), then cap::lockdown in every case.
# 3. Sources HTTPD_TCL with argv set to ARG. tclhttpd's Httpd_Server and
#    Httpd_SecureServer (through tls::socket) call socket -server; a wrapper
#    around ::socket hands them the pre-bound channel instead, so all of
#    tclhttpd's own bookkeeping stays as it sets it.

package require Tcl 8.6
package require cap

namespace eval ::cap::tclhttpd {
    namespace export start
    # kind -> dict {port P addr A chan C target CMD}
    variable listeners [dict create]
    variable coreSocket ::cap::tclhttpd::CoreSocket
    # tclhttpd 3.5's defaults (bin/tclhttpd.rc).
    variable defaults {port 8015 ipaddr {} https_port 8016 https_ipaddr {}}
}

# Settings of interest from a tclhttpd config file: only "Config key value"
# lines with a literal value are read (the file is never evaluated here, as
# it would run with privilege).
proc ::cap::tclhttpd::ReadConfig {file} {
    set out {}
    if {[catch {open $file} f]} { return $out }
    foreach line [split [read $f] \n] {
        if {[regexp {^\s*Config\s+(port|ipaddr|https_port|https_ipaddr)\s+(\S+)\s*$} $line -> k v]} {
            if {$v eq "{}"} { set v "" }
            if {[string match {*[[$]*} $v]} continue
            dict set out $k $v
        }
    }
    close $f
    return $out
}

# The listeners tclhttpd will ask for: a list of {kind port addr}.
proc ::cap::tclhttpd::FromArgs {httpd args} {
    variable defaults
    set settings $defaults
    set config [file join [file dirname $httpd] tclhttpd.rc]
    set i [lsearch -exact $args -config]
    if {$i >= 0} { set config [lindex $args $i+1] }
    set settings [dict merge $settings [ReadConfig $config]]
    set https 0
    foreach {k v} $args {
        switch -- $k {
            -port - -ipaddr - -https_port - -https_ipaddr {
                dict set settings [string range $k 1 end] $v
                if {[string match -https* $k]} { set https 1 }
            }
        }
    }
    set out [list [list http [dict get $settings port] [dict get $settings ipaddr]]]
    # HTTPS only when asked for on the command line: tclhttpd itself starts
    # it only when the tls package loads, which is not to be tried here.
    if {$https} {
        lappend out [list https [dict get $settings https_port] [dict get $settings https_ipaddr]]
    }
    return $out
}

# -listen SPEC: a list of {http|https port ?addr?}.
proc ::cap::tclhttpd::FromSpec {spec} {
    set out {}
    foreach item $spec {
        lassign $item kind port addr
        if {$kind ni {http https} || [llength $item] < 2 || [llength $item] > 3} {
            return -code error -errorcode [list CAP LISTEN $item] \
                "bad -listen entry \"$item\": expected {http|https port ?address?}"
        }
        lappend out [list $kind $port $addr]
    }
    return $out
}

proc ::cap::tclhttpd::UnprivilegedPortStart {} {
    if {[catch {open /proc/sys/net/ipv4/ip_unprivileged_port_start} f]} { return 1024 }
    set v [string trim [read $f]]
    close $f
    return $v
}

proc ::cap::tclhttpd::Accept {kind chan addr port} {
    variable listeners
    set target [dict get $listeners $kind target]
    if {$target eq ""} {
        # Nothing has claimed the listener yet.
        close $chan
        return
    }
    uplevel #0 [list {*}$target $chan $addr $port]
}

# Binds every listener, or adopts socket-activation fds (named http/https,
# or in order).
proc ::cap::tclhttpd::Bind {wanted} {
    variable listeners
    set fds [cap::listenfds]
    if {[llength $fds]} {
        set byKind {}
        foreach pair $fds {
            lassign $pair name fd
            set kind [expr {$name in {http https} ? $name : "http"}]
            dict lappend byKind $kind $fd
        }
        dict for {kind list} $byKind {
            set args {}
            foreach fd $list { lappend args -fd $fd }
            set chan [cap::socket -server [list ::cap::tclhttpd::Accept $kind] {*}$args]
            set port [lindex [fconfigure $chan -sockname] 2]
            dict set listeners $kind [dict create port $port addr "" chan $chan target "" activated 1]
        }
        return
    }
    foreach item $wanted {
        lassign $item kind port addr
        set opts {}
        if {$addr ne ""} { lappend opts -myaddr $addr }
        set chan [cap::socket -server [list ::cap::tclhttpd::Accept $kind] {*}$opts $port]
        dict set listeners $kind [dict create port $port addr $addr chan $chan target "" activated 0]
    }
}

# What tclhttpd calls as "socket". Server sockets it asks for are handed the
# pre-bound channel; everything else is Tcl's own socket.
proc ::cap::tclhttpd::Socket {args} {
    variable listeners
    variable coreSocket
    set i [lsearch -exact $args -server]
    if {$i < 0 || $i + 1 >= [llength $args]} {
        return [uplevel 1 [list $coreSocket {*}$args]]
    }
    set cmd [lindex $args $i+1]
    set port [lindex $args end]
    set addr ""
    set j [lsearch -exact $args -myaddr]
    if {$j >= 0} { set addr [lindex $args $j+1] }
    # tclhttpd's prefix says which listener: {HttpdAccept {http name port}}
    # from Httpd_Server, {tls::_accept iopts {HttpdAccept {https ...}}} from
    # Httpd_SecureServer through tls::socket.
    set kind [expr {[lindex $cmd 0] eq "tls::_accept" ? "https" : "http"}]
    if {[dict exists $listeners $kind]} {
        set l [dict get $listeners $kind]
        if {[dict get $l target] eq "" && ([dict get $l activated] || [dict get $l port] == $port)} {
            dict set listeners $kind target $cmd
            return [dict get $l chan]
        }
    }
    # An application's own unprivileged server is none of our business.
    set tclhttpd [expr {[lindex $cmd 0] in {HttpdAccept tls::_accept}}]
    if {!$tclhttpd && [string is integer -strict $port] &&
            ($port == 0 || $port >= [UnprivilegedPortStart])} {
        return [uplevel 1 [list $coreSocket {*}$args]]
    }
    return -code error -errorcode [list CAP NOTPREBOUND $port] \
        "cap::tclhttpd: the server asked for port $port[expr {$addr ne "" ? " on $addr" : ""}],\
        which was not bound before privileges were dropped; add it to -listen\
        (for example -listen {{http $port}})"
}

proc ::cap::tclhttpd::start {args} {
    variable listeners
    variable coreSocket
    set usage "cap::tclhttpd::start ?-listen spec? ?-user user? ?-group group? httpd.tcl ?arg ...?"
    set opts [dict create -listen {} -user {} -group {}]
    while {[llength $args] && [string match -* [lindex $args 0]]} {
        set args [lassign $args opt]
        if {$opt eq "--"} break
        if {![dict exists $opts $opt]} {
            return -code error -errorcode [list TCL LOOKUP INDEX option $opt] \
                "bad option \"$opt\": must be -listen, -user, or -group"
        }
        if {![llength $args]} {
            return -code error -errorcode [list TCL WRONGARGS] "wrong # args: should be \"$usage\""
        }
        set args [lassign $args val]
        dict set opts $opt $val
    }
    if {![llength $args]} {
        return -code error -errorcode [list TCL WRONGARGS] "wrong # args: should be \"$usage\""
    }
    set httpd [file normalize [lindex $args 0]]
    set httpdArgs [lrange $args 1 end]
    set user [dict get $opts -user]
    set root [expr {[lindex [dict get [lindex [dict values [cap::threads]] 0] uid] 1] == 0}]
    if {$root && $user eq ""} {
        return -code error -errorcode [list CAP ROOT] \
            "cap::tclhttpd::start: started as root without -user: refusing to run tclhttpd as root;\
            give -user (for example -user nobody), or start it as an ordinary user with\
            cap_net_bind_service (file capability, AmbientCapabilities=, or socket activation)"
    }
    if {!$root && $user ne ""} {
        return -code error -errorcode [list CAP USER $user] \
            "cap::tclhttpd::start: -user needs a root start; this process is uid\
            [lindex [dict get [lindex [dict values [cap::threads]] 0] uid] 1]"
    }
    if {![file readable $httpd]} {
        return -code error -errorcode [list POSIX ENOENT {no such file or directory}] \
            "cap::tclhttpd::start: cannot read \"$httpd\""
    }
    set wanted [expr {[dict get $opts -listen] ne ""
        ? [FromSpec [dict get $opts -listen]] : [FromArgs $httpd {*}$httpdArgs]}]

    Bind $wanted
    if {$root} {
        set suopts {}
        if {[dict get $opts -group] ne ""} { lappend suopts -group [dict get $opts -group] }
        cap::setuser $user {*}$suopts
    }
    set ::cap::tclhttpd::lockdown [cap::lockdown]

    # From here on no capability is left in any thread: hand over.
    if {[info commands $coreSocket] eq ""} {
        rename ::socket $coreSocket
        interp alias {} ::socket {} ::cap::tclhttpd::Socket
    }
    set ::argv0 $httpd
    set ::argv $httpdArgs
    set ::argc [llength $httpdArgs]
    uplevel #0 [list source $httpd]
}

package provide cap::tclhttpd [package present cap]
