# A stand-in for tclhttpd 3.5's bin/httpd.tcl, small enough for tests and
# the demo, faithful where cap::tclhttpd depends on it:
#   - a config file found as tclhttpd's bootstrap finds it (the word
#     -config in argv), evaluated in a safe interpreter with only Config;
#   - then command-line options -port -ipaddr -https_port -https_ipaddr
#     -docRoot -uid -gid -config (and -host -certfile -keyfile), defaults
#     8015/8016, parsed by tcllib's cmdline::getoptions as tclhttpd's are
#     (-opt value, --opt value, -opt=value, --opt=value, up to "--" or the
#     first non-option word; an unknown option is a usage error);
#   - HTTPS whenever "package require tls" works and the certificate
#     exists, else "SSL startup failed: ..." in the startup message;
#   - Httpd_Server {port name ipaddr} opens its listener with
#     socket -server [list HttpdAccept [list http $name $port]] ?-myaddr $ip? $port
#     and keeps Httpd(listen), Httpd(port), Httpd(name), Httpd(ipaddr);
#   - Httpd_ServerShutdown closes Httpd(listen);
#   - the TclX "id userid" drop runs inside catch, as tclhttpd's does.
# Pages: /status (what the kernel said when this script's first line ran,
# and now), /shutdown, /rebind (Httpd_ServerShutdown, then Httpd_Server
# again on the same port: its result, then exit), and files under
# -docRoot; anything else a built-in page.

# First thing: what every thread holds as the server's own code starts.
proc ThreadStatus {} {
    set out {}
    foreach dir [lsort [glob -directory /proc/[pid]/task *]] {
        set f [open $dir/status]
        foreach line [split [read $f] \n] {
            if {[regexp {^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):\s*(.*)$} $line -> k v]} {
                dict set out [file tail $dir] $k [string trim $v]
            }
        }
        close $f
    }
    return $out
}
set StartStatus [ThreadStatus]

array set Config {port 8015 ipaddr {} https_port 8016 https_ipaddr {} docRoot {} uid 50 gid 50 host {}
                  certfile {} keyfile {} config {}}
# tclhttpd's configuration bootstrap: the word -config, then the file in a
# safe interpreter.
set ix [lsearch $argv -config]
if {$ix >= 0} {
    set Config(config) [lindex $argv $ix+1]
    set safe [interp create -safe]
    $safe eval [list array set Config [array get Config]]
    $safe eval {
        proc Config {name {value {}}} {
            global Config
            if {![info exist Config($name)] || [string length $value]} {
                set Config($name) $value
            } else {
                set Config($name)
            }
        }
    }
    set f [open $Config(config)]
    $safe eval [read $f]
    close $f
    array set Config [$safe eval {array get Config}]
    interp delete $safe
}
# Then the command line overrides it, through cmdline as in tclhttpd.
package require cmdline
set CommandLineOptions {}
foreach name [lsort [array names Config]] {
    lappend CommandLineOptions [list $name.arg $Config($name) "tclhttpd's -$name"]
}
array set Config [cmdline::getoptions argv $CommandLineOptions "usage: httpd.tcl options:"]

proc Httpd_Init {} {
    global Httpd
    set Httpd(initialized) 1
}

proc Httpd_Server {{port 80} {name {}} {ipaddr {}}} {
    global Httpd
    if {![info exists Httpd(initialized)]} {
        Httpd_Init
    }
    catch {close $Httpd(listen)}
    set Httpd(name) $name
    set Httpd(ipaddr) $ipaddr
    set Httpd(port) $port
    if {[string length $name] == 0} {
        set Httpd(name) [info hostname]
    }
    set cmd [list socket -server [list HttpdAccept [list http $name $port]]]
    if {[string length $ipaddr] != 0} {
        lappend cmd -myaddr $ipaddr
    }
    lappend cmd $port
    if {[catch $cmd Httpd(listen)]} {
        return -code error "$Httpd(name):$port $Httpd(listen)\ncmd=$cmd"
    }
}

# As tclhttpd's: tls::socket, which itself calls ::socket -server with
# [list tls::_accept $iopts $callback].
proc Httpd_SecureServer {{port 443} {name {}} {ipaddr {}}} {
    global Httpd
    if {![info exists Httpd(initialized)]} {
        Httpd_Init
    }
    catch {close $Httpd(https_listen)}
    set Httpd(name) $name
    set Httpd(https_ipaddr) $ipaddr
    set Httpd(https_port) $port
    if {[string length $name] == 0} {
        set Httpd(name) [info hostname]
    }
    package require tls
    set cmd [list tls::socket -server [list HttpdAccept [list https $name $port]]]
    if {[string length $ipaddr] != 0} {
        lappend cmd -myaddr $ipaddr
    }
    lappend cmd $port
    if {[catch $cmd Httpd(https_listen)]} {
        return -code error "$Httpd(name):$port $Httpd(https_listen)\ncmd=$cmd"
    }
}

proc Httpd_ServerShutdown {} {
    global Httpd
    catch {close $Httpd(listen)} err
    return $err
}

proc HttpdAccept {self sock ipaddr port} {
    fconfigure $sock -blocking 0 -translation {auto crlf}
    fileevent $sock readable [list HttpdRead $self $sock $ipaddr]
}

proc HttpdRead {self sock ipaddr} {
    global Config Httpd StartStatus
    if {[gets $sock line] < 0} {
        if {[eof $sock]} { close $sock }
        return
    }
    if {![info exists ::request($sock)]} {
        set ::request($sock) $line
        return
    }
    if {$line ne ""} return
    set url [lindex $::request($sock) 1]
    unset ::request($sock)
    set type text/plain
    switch -- $url {
        /status {
            set body [list start $StartStatus now [ThreadStatus] \
                peer [fconfigure $sock -peername] addr $ipaddr self $self \
                listen $Httpd(listen) port $Httpd(port) name $Httpd(name) \
                sockname [fconfigure $Httpd(listen) -sockname] \
                https [expr {[info exists Httpd(https_listen)] &&
                    ![catch {fconfigure $Httpd(https_listen) -sockname} s] ? $s : ""}] \
                https_port [expr {[info exists Httpd(https_port)] ? $Httpd(https_port) : ""}]]
        }
        /shutdown {
            set body [list shutdown [Httpd_ServerShutdown]]
            after 100 {set ::forever done}
        }
        /rebind {
            Httpd_ServerShutdown
            set rc [catch {Httpd_Server $Httpd(port) $Config(host) $Config(ipaddr)} msg]
            set body [list rebind $rc $msg]
            after 100 {set ::forever done}
        }
        default {
            set file [file join $Config(docRoot) [string trimleft $url /]]
            if {[string index $url end] eq "/"} { set file [file join $file index.html] }
            if {$Config(docRoot) ne "" && [file isfile $file]} {
                set f [open $file]
                set body [read $f]
                close $f
                set type text/html
            } else {
                set type text/html
                set st [ThreadStatus]
                set first [lindex [dict values $st] 0]
                set body "<html><body><h1>Hello from port $Httpd(port)</h1>\n<p>You are $ipaddr.\
                    This server runs as uid [lindex [dict get $first Uid] 0] with CapEff\
                    [dict get $first CapEff] in all [dict size $st] threads.</p></body></html>"
            }
        }
    }
    set body [encoding convertto utf-8 $body]
    fconfigure $sock -translation {auto binary}
    puts -nonewline $sock "HTTP/1.0 200 OK\r\nContent-Type: $type\r\nContent-Length: [string length $body]\r\nConnection: close\r\n\r\n$body"
    fileevent $sock readable {}
    fconfigure $sock -blocking 1
    close $sock
}

Httpd_Init
Httpd_Server $Config(port) $Config(host) $Config(ipaddr)
append startup "httpd started on port $Config(port)\n"
# As tclhttpd: HTTPS whenever the tls package loads, if its certificate is
# there.
if {![catch {package require tls}]} {
    if {[catch {
        if {![file exists $Config(certfile)]} {
            return -code error "Certificate  \"$Config(certfile)\" not found"
        }
        tls::init -certfile $Config(certfile) -keyfile $Config(keyfile) -ssl2 0 -ssl3 0
        Httpd_SecureServer $Config(https_port) $Config(host) $Config(https_ipaddr)
        append startup "secure httpd started on SSL port $Config(https_port)\n"
    } err]} {
        append startup "SSL startup failed: $err\n"
    }
}

# tclhttpd's privilege drop, which cap::tclhttpd makes unnecessary.
catch {package require Tclx}
if {[info command id] eq "id"} {
    proc setuid {uid gid} {
        id groupid $gid
        id userid $uid
    }
}
if {![catch {setuid $Config(uid) $Config(gid)}]} {
    puts stderr "Running as user $Config(uid) group $Config(gid)"
}
puts -nonewline stderr $startup
vwait forever
