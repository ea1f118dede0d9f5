# Sourced by children of the socket tests: kernel views of sockets and a
# small client.

# Listening TCP ports of the network namespace, from /proc/net/tcp{,6}:
# a sorted list of {family port} pairs.
proc kernelListening {} {
    set out {}
    foreach {file fam} {/proc/net/tcp inet /proc/net/tcp6 inet6} {
        if {![file exists $file]} continue
        set f [open $file]
        gets $f
        while {[gets $f line] >= 0} {
            lassign $line - local - st
            if {$st ne "0A"} continue
            lappend out [list $fam [scan [lindex [split $local :] end] %x]]
        }
        close $f
    }
    return [lsort -unique $out]
}

# The sockets among this process's descriptors.
proc socketFds {{pid self}} {
    set n 0
    foreach fd [glob -nocomplain -directory /proc/$pid/fd *] {
        if {![catch {file readlink $fd} l] && [string match socket:* $l]} { incr n }
    }
    return $n
}

# Connects, reads one line, closes; returns the line (or the error).
proc fetchLine {host port} {
    set s [socket $host $port]
    fconfigure $s -translation lf
    set line [gets $s]
    close $s
    return $line
}

# Every thread's CapEff/CapPrm/CapInh/CapAmb, from /proc: one value if
# all threads agree.
proc capsAllThreads {} {
    lmap f {CapInh CapPrm CapEff CapAmb} { sameInAllThreads $f }
}

# A server that answers every connection with "hello <addr>" and closes.
proc helloServer {args} {
    proc ::hello {chan addr port} {
        fconfigure $chan -translation lf
        puts $chan "hello $addr"
        close $chan
    }
    cap::socket -server ::hello {*}$args
}

# Runs the event loop until a client connection to host:port has been served.
proc fetchAsync {host port} {
    set s [socket -async $host $port]
    fconfigure $s -translation lf -blocking 0
    set ::_got ""
    fileevent $s readable [list apply {{s} {
        if {[gets $s line] >= 0 || [eof $s]} {
            set ::_got $line; close $s; set ::_done 1
        }
    }} $s]
    set id [after 5000 {set ::_got TIMEOUT; set ::_done 1}]
    vwait ::_done
    after cancel $id
    return $::_got
}

# A blocking HTTP/1.0 GET; returns the body (for a server in another process).
proc httpGet {host port path} {
    set s [socket $host $port]
    fconfigure $s -translation {auto crlf}
    puts $s "GET $path HTTP/1.0\nHost: $host\n"
    flush $s
    while {[gets $s line] > 0} {}
    fconfigure $s -translation binary
    set body [read $s]
    close $s
    return $body
}
