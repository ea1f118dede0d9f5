# Interpreter copies with a file capability, and the exposure they carry:
# a tclsh that holds cap_net_bind_service=+ep still reads TCLLIBPATH and
# TCL_LIBRARY (secure-exec mode does not stop that), so whoever may run it
# may run their own code with the capability.

# The procs live in ::cap::util: inside ::cap itself, "set" and "file"
# would resolve to cap::set and cap::file.
namespace eval ::cap::util {}

# cap::interpcopy DEST -group GROUP ?-from PATH? ?-caps TEXT? ?-mode MODE?
# Copies the interpreter, makes it root:GROUP with MODE (0750), then sets
# the file capability last (chown would clear it) and renames into place.
proc ::cap::util::interpcopy {dest args} {
    set opts [dict create -from [info nameofexecutable] -caps cap_net_bind_service=+ep \
        -mode 0750 -group {}]
    foreach {k v} $args {
        if {![dict exists $opts $k]} {
            return -code error -errorcode [list TCL LOOKUP INDEX option $k] \
                "bad option \"$k\": must be -from, -caps, -mode, or -group"
        }
        dict set opts $k $v
    }
    if {[llength $args] % 2} {
        return -code error -errorcode [list TCL WRONGARGS] \
            "wrong # args: should be \"cap::interpcopy dest -group group ?-from path? ?-caps text? ?-mode mode?\""
    }
    if {[dict get $opts -group] eq ""} {
        return -code error -errorcode [list CAP GROUP {}] \
            "cap::interpcopy: -group is required: only the service's group may run the copy"
    }
    set from [dict get $opts -from]
    # Follow symlinks (tclsh8.6 -> /etc/alternatives -> ...) to the binary.
    for {set i 0} {$i < 16 && [file type $from] eq "link"} {incr i} {
        set from [file normalize [file join [file dirname $from] [file readlink $from]]]
    }
    set dest [file normalize $dest]
    set tmp $dest.tmp[pid]
    if {[catch {
        file copy -force $from $tmp
        file attributes $tmp -owner root -group [dict get $opts -group] \
            -permissions [dict get $opts -mode]
        cap::file set $tmp [dict get $opts -caps]
        file rename -force $tmp $dest
    } msg opt]} {
        file delete -force $tmp
        return -options $opt $msg
    }
    set a [file attributes $dest]
    dict create path $dest from $from caps [cap::file get $dest] \
        owner [dict get $a -owner] group [dict get $a -group] permissions [dict get $a -permissions]
}

# Reads AT_SECURE from the auxiliary vector: 1 when the kernel started us
# in secure-exec mode (file capabilities, setuid).
proc ::cap::util::SecureExec {} {
    if {[catch {open /proc/self/auxv rb} f]} { return 0 }
    set data [read $f]
    close $f
    binary scan $data w* words
    foreach {type value} $words {
        if {$type == 23} { return [expr {$value != 0}] }
    }
    return 0
}

# cap::exposure: what about this process lets someone else's code run with
# its privileges. A list of {code message} pairs; empty when nothing.
proc ::cap::util::exposure {} {
    set out {}
    set exe [info nameofexecutable]
    set fileCaps ""
    catch {set fileCaps [cap::file get $exe]}
    set secure [SecureExec]
    foreach var {TCLLIBPATH TCL_LIBRARY} {
        if {[info exists ::env($var)] && ($secure || $fileCaps ne "")} {
            lappend out [list $var "$var is set ($::env($var)) in an interpreter started\
                with privilege ($exe: [expr {$fileCaps ne "" ? $fileCaps : "secure-exec"}]):\
                code from that path runs with the capabilities; unset it in the service\
                (systemd UnsetEnvironment=$var) and restrict who may run $exe"]
        }
    }
    if {$fileCaps ne "" && [file exists $exe]} {
        set mode [file attributes $exe -permissions]
        if {$mode & 0001} {
            lappend out [list WORLDEXEC "$exe carries $fileCaps and anyone may run it\
                (mode [format %04o [expr {$mode & 07777}]]): anyone can load their own code\
                with the capability through TCLLIBPATH; make it root:<service group> 0750\
                (cap::interpcopy)"]
        }
    }
    if {[llength [cap::ambient]]} {
        lappend out [list AMBIENT "ambient capabilities [cap::ambient] pass to every program\
            this process runs; drop them (cap::lockdown) once the sockets are open"]
    }
    return $out
}

interp alias {} ::cap::interpcopy {} ::cap::util::interpcopy
interp alias {} ::cap::exposure {} ::cap::util::exposure

# Say it where a user sees it: an interpreter with privilege, loading code
# from a path anyone could have set.
if {[info exists ::env(TCLLIBPATH)] && [::cap::util::SecureExec]} {
    foreach finding [::cap::util::exposure] {
        if {[lindex $finding 0] eq "TCLLIBPATH"} {
            puts stderr "cap: warning: [lindex $finding 1]"
        }
    }
}
