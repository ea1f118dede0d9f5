# cap::tclhttpd -- start an unmodified tclhttpd 3.5 on privileged ports
# without ever running its code with a capability.
#
#   cap::tclhttpd::start ?-listen SPEC? ?-user USER? ?-group GROUP? HTTPD_TCL ?ARG ...?
#
# 1. Works out the listeners from tclhttpd's own arguments (-port,
#    -ipaddr, -https_port, -https_ipaddr, read as tcllib's cmdline reads
#    them; its config file's values or its defaults otherwise; https also
#    whenever the tls package is there, as tclhttpd starts it then) or from
#    -listen, and binds them with cap::socket, or adopts systemd's sockets
#    when LISTEN_FDS is set (then tclhttpd is told their ports).
# 2. Drops privilege: cap::setuser for a root start (which must say
#    -user), then cap::lockdown in every case.
# 3. Sources HTTPD_TCL with argv set to ARG. tclhttpd's Httpd_Server and
#    Httpd_SecureServer (through tls::socket) call socket -server; a wrapper
#    around ::socket hands them the pre-bound channel instead, so all of
#    tclhttpd's own bookkeeping stays as it sets it. Listeners it has not
#    claimed when its event loop starts are closed.

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

# tclhttpd's command line as tcllib's cmdline::getoptions reads it (all of
# tclhttpd's options take a value): -opt value, --opt value, -opt=value,
# --opt=value, up to "--" or the first word that is not an option. Returns
# {options end}: the options as a name-value list in order (a later one
# wins, as in cmdline), and the index where the options end, where an
# option inserted still counts.
proc ::cap::tclhttpd::ParseOptions {argList} {
    set opts {}
    set n [llength $argList]
    for {set i 0} {$i < $n} {} {
        set arg [lindex $argList $i]
        if {$arg eq "--" || ![string match -* $arg]} break
        set name [string range $arg 1 end]
        if {[string index $name 0] eq "-"} { set name [string range $name 1 end] }
        set eq [string first = $name 1]
        if {$eq >= 0} {
            lappend opts [string range $name 0 $eq-1] [string range $name $eq+1 end]
            incr i
        } elseif {$i + 1 < $n} {
            lappend opts $name [lindex $argList $i+1]
            incr i 2
        } else {
            # A value missing: tclhttpd stops with its usage message.
            break
        }
    }
    list $opts $i
}

# What tclhttpd will do with these arguments: a dict with
#   settings  port ipaddr https_port https_ipaddr as tclhttpd will see them
#   wanted    the listeners to bind, a list of {kind port addr explicit}
#   end       where an option can be added to its arguments (ParseOptions)
proc ::cap::tclhttpd::Plan {httpd args} {
    variable defaults
    set settings $defaults
    # tclhttpd's bootstrap finds its config file by the word -config
    # (lsearch $argv -config) before cmdline runs; -config=FILE and
    # --config FILE are accepted by cmdline but read no file.
    set config [file join [file dirname $httpd] tclhttpd.rc]
    set i [lsearch -exact $args -config]
    if {$i >= 0} { set config [lindex $args $i+1] }
    set settings [dict merge $settings [ReadConfig $config]]
    lassign [ParseOptions $args] opts end
    set explicit {http 0 https 0}
    foreach {k v} $opts {
        switch -- $k {
            port - ipaddr { dict set settings $k $v; dict set explicit http 1 }
            https_port - https_ipaddr { dict set settings $k $v; dict set explicit https 1 }
        }
    }
    set wanted [list [list http [dict get $settings port] [dict get $settings ipaddr] \
        [dict get $explicit http]]]
    # tclhttpd starts HTTPS whenever "package require tls" works (and its
    # certificate is there). Loading tls here would run its code with
    # privilege; "package require cap" has already scanned the pkgIndex
    # files, so whether tls is there is known without loading it.
    if {[dict get $explicit https] || [llength [package versions tls]]} {
        lappend wanted [list https [dict get $settings https_port] \
            [dict get $settings https_ipaddr] [dict get $explicit https]]
    }
    dict create settings $settings wanted $wanted end $end
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
        lappend out [list $kind $port $addr 1]
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
# or in order). Each listener: port addr chan target activated explicit
# state (bound, claimed, closed, failed) error.
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
            dict set listeners $kind [dict create port $port addr "" chan $chan target "" \
                activated 1 explicit 1 state bound error ""]
        }
        return
    }
    foreach item $wanted {
        lassign $item kind port addr explicit
        set opts {}
        if {$addr ne ""} { lappend opts -myaddr $addr }
        set l [dict create port $port addr $addr chan "" target "" \
            activated 0 explicit $explicit state bound error ""]
        if {[catch {cap::socket -server [list ::cap::tclhttpd::Accept $kind] {*}$opts $port} chan copts]} {
            # One only implied by tclhttpd's defaults (https because tls
            # is there) is not worth failing the start for: tclhttpd gets
            # this error if it asks, as it would have binding it itself.
            if {$explicit} { return -options $copts $chan }
            dict set l state failed
            dict set l error $chan
        } else {
            dict set l chan $chan
        }
        dict set listeners $kind $l
    }
}

# Run when the event loop first runs, that is when tclhttpd has finished
# starting (its "vwait forever"): a listener it never claimed (https when
# its certificate is missing) is closed, with a note if it was asked for.
proc ::cap::tclhttpd::CloseUnclaimed {} {
    variable listeners
    dict for {kind l} $listeners {
        if {[dict get $l state] ne "bound"} continue
        catch {close [dict get $l chan]}
        dict set listeners $kind state closed
        if {[dict get $l explicit]} {
            puts stderr "cap::tclhttpd: the server did not take the $kind listener on\
                port [dict get $l port][expr {[dict get $l addr] ne "" ? " on [dict get $l addr]" : ""}];\
                it is closed"
        }
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
    set what "port $port[expr {$addr ne "" ? " on $addr" : ""}] ($kind)"
    if {[dict exists $listeners $kind]} {
        set l [dict get $listeners $kind]
        if {[dict get $l activated] || [dict get $l port] == $port} {
            switch -- [dict get $l state] {
                bound {
                    dict set listeners $kind target $cmd
                    dict set listeners $kind state claimed
                    return [dict get $l chan]
                }
                failed {
                    return -code error -errorcode [list CAP NOTPREBOUND $port] \
                        "cap::tclhttpd: the server asked for $what, which could not\
                        be bound before privileges were dropped: [dict get $l error]"
                }
                claimed {
                    set how [expr {[dict get $l chan] in [chan names]
                        ? "was already handed to the server"
                        : "was handed to the server and has since been closed"}]
                }
                closed {
                    set how "was closed unclaimed when the server started"
                }
            }
            return -code error -errorcode [list CAP NOTPREBOUND $port] \
                "cap::tclhttpd: the server asked again for $what, whose listener,\
                bound before privileges were dropped, $how; without privilege it\
                cannot be bound again: restart the server to listen again"
        }
    }
    # An application's own unprivileged server is none of our business.
    set tclhttpd [expr {[lindex $cmd 0] in {HttpdAccept tls::_accept}}]
    if {!$tclhttpd && [string is integer -strict $port] &&
            ($port == 0 || $port >= [UnprivilegedPortStart])} {
        return [uplevel 1 [list $coreSocket {*}$args]]
    }
    set what "port $port[expr {$addr ne "" ? " on $addr" : ""}]"
    if {[llength [dict filter $listeners script {k l} {dict get $l activated}]]} {
        return -code error -errorcode [list CAP NOTPREBOUND $port] \
            "cap::tclhttpd: the server asked for $what ($kind), which is not among\
            the sockets passed by socket activation; pass one for it (a .socket unit\
            with FileDescriptorName=$kind)"
    }
    set example [list $kind $port]
    if {$addr ne ""} { lappend example $addr }
    return -code error -errorcode [list CAP NOTPREBOUND $port] \
        "cap::tclhttpd: the server asked for $what, which was not bound before\
        privileges were dropped; add it to -listen (for example -listen [list [list $example]])"
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
    set plan [Plan $httpd {*}$httpdArgs]
    set wanted [expr {[dict get $opts -listen] ne ""
        ? [FromSpec [dict get $opts -listen]] : [dict get $plan wanted]}]

    Bind $wanted
    # Under socket activation tclhttpd uses the adopted socket whatever its
    # -port says, but records that -port (Httpd(port), its log file names,
    # the HttpdAccept prefix): tell it the port it really has, where its
    # own options end so that cmdline sees it.
    set extra {}
    foreach {kind opt} {http port https https_port} {
        if {[dict exists $listeners $kind] && [dict get $listeners $kind activated]
                && [dict get $listeners $kind port] ne [dict get $plan settings $opt]} {
            lappend extra -$opt [dict get $listeners $kind port]
        }
    }
    if {[llength $extra]} {
        set httpdArgs [linsert $httpdArgs [dict get $plan end] {*}$extra]
    }
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
    # The event loop first runs when tclhttpd has started (its vwait).
    after idle ::cap::tclhttpd::CloseUnclaimed
    set ::argv0 $httpd
    set ::argv $httpdArgs
    set ::argc [llength $httpdArgs]
    uplevel #0 [list source $httpd]
}

package provide cap::tclhttpd [package present cap]
