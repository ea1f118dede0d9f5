# Shared by every test file: how privilege scenarios are started, the way a
# user starts them, and how results are read back from the kernel.
package require tcltest 2.5
namespace import ::tcltest::*

namespace eval ::capt {
    variable here [file dirname [file normalize [info script]]]
    variable build [expr {[info exists ::env(CAP_BUILD_DIR)]
        ? $::env(CAP_BUILD_DIR) : [file normalize [file join $here .. build]]}]
    variable tclsh [expr {[info exists ::env(CAP_TCLSH)] ? $::env(CAP_TCLSH) : "/usr/bin/tclsh8.6"}]
    variable scratch
    if {[info exists ::env(CAP_TMPDIR)]} {
        set scratch $::env(CAP_TMPDIR)
    } else {
        set scratch [exec mktemp -d /tmp/tclcap-tests.XXXXXX]
        file attributes $scratch -permissions 0755
    }
    variable nobody {setpriv --reuid=65534 --regid=65534 --clear-groups}
    variable serial 0
}

::tcltest::testConstraint thread [expr {![catch {
    exec $::capt::tclsh << {package require Thread; puts ok}}]}]
::tcltest::testConstraint ipv6 [file exists /proc/net/if_inet6]
# Where privilege scenarios cannot run, they are skipped; as root (CI) they
# must all run, so the constraint is exactly "root".
::tcltest::testConstraint privileged [::tcltest::testConstraint root]

# Expected messages are written for this kernel's highest capability (40
# on Linux 5.9 and later); another kernel gets its own number in them.
proc ::capt::forKernel {text} {
    set f [open /proc/sys/kernel/cap_last_cap]
    set last [string trim [read $f]]
    close $f
    string map [list "0 to 40 " "0 to $last " "highest is 40)" "highest is $last)"] $text
}

# A copy of tclsh carrying file capabilities (default
# cap_net_bind_service=+ep), made once per run.
proc ::capt::capTclsh {{text cap_net_bind_service=+ep}} {
    variable tclsh
    capCopy $tclsh $text
}
# The same for any program (capsh, to compare with a tclsh copy).
proc ::capt::capCopy {program text} {
    variable scratch
    set copy [file join $scratch [file tail $program]-[string map {= - + "" , _} $text]]
    if {![file exists $copy]} {
        file copy $program $copy
        file attributes $copy -permissions 0755
        exec setcap $text $copy
    }
    return $copy
}

# The valgrind run (CAP_VALGRIND=1): every child tclsh runs under memcheck.
# File capabilities then belong on valgrind's tool, which is what execs:
# a copy of its library folder whose memcheck binary carries them.
proc ::capt::valgrind {} {
    expr {[info exists ::env(CAP_VALGRIND)] && $::env(CAP_VALGRIND)}
}
# The sanitizer run (CAP_SANITIZE=1): tclsh and module under ASan+UBSan.
proc ::capt::sanitizer {} {
    expr {[info exists ::env(CAP_SANITIZE)] && $::env(CAP_SANITIZE)}
}
proc ::capt::vgLib {text} {
    variable scratch
    set dir [file join $scratch valgrind-[string map {= - + "" , _} $text]]
    if {![file exists $dir]} {
        exec cp -a /usr/libexec/valgrind $dir
        exec chmod -R a+rX $dir
        exec setcap $text [file join $dir memcheck-amd64-linux]
    }
    return $dir
}
proc ::capt::vgWords {{text {}}} {
    set words {}
    if {$text ne ""} { lappend words env VALGRIND_LIB=[vgLib $text] }
    # Definite leaks count as errors; Tcl's own still-reachable memory at
    # exit does not.
    lappend words valgrind --quiet --error-exitcode=99 --trace-children=no \
        --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --suppressions=[file join $::capt::here valgrind.supp]
}

# Launcher words for a scenario.
#   root      as we are (root in CI)
#   nobody    uid/gid 65534, no groups, no capability
#   ambient   nobody with ambient cap_net_bind_service (the systemd way)
#   filecap   nobody running a tclsh copy with cap_net_bind_service=+ep
#   permitted nobody running a tclsh copy with cap_net_bind_service=+p:
#             permitted, not effective
#   bounding  root without cap_net_bind_service in the bounding set
proc ::capt::launcher {as} {
    variable nobody
    variable tclsh
    if {[valgrind]} {
        set vg [vgWords]
        switch -- $as {
            root      { return [list {*}$vg $tclsh] }
            nobody    { return [list {*}$nobody {*}$vg $tclsh] }
            ambient   { return [list {*}$nobody --inh-caps +net_bind_service \
                             --ambient-caps +net_bind_service {*}$vg $tclsh] }
            filecap   { return [list {*}$nobody {*}[vgWords cap_net_bind_service=+ep] $tclsh] }
            permitted { return [list {*}$nobody {*}[vgWords cap_net_bind_service=+p] $tclsh] }
            bounding  { return [list setpriv --bounding-set=-net_bind_service {*}$vg $tclsh] }
            default   { error "unknown scenario $as" }
        }
    }
    switch -- $as {
        root      { return [list $tclsh] }
        nobody    { return [list {*}$nobody $tclsh] }
        ambient   { return [list {*}$nobody --inh-caps +net_bind_service \
                         --ambient-caps +net_bind_service $tclsh] }
        filecap   { return [list {*}$nobody [capTclsh]] }
        permitted { return [list {*}$nobody [capTclsh cap_net_bind_service=+p]] }
        bounding  { return [list setpriv --bounding-set=-net_bind_service $tclsh] }
        default   { error "unknown scenario $as" }
    }
}

# Runs script in a fresh interpreter under scenario -as (default root),
# optionally in a private network namespace (-netns 1) with lo up. The
# child sources child.tcl first. Returns its stdout, trimmed; an error
# exit raises an error carrying stderr.
proc ::capt::run {args} {
    variable scratch
    variable build
    variable here
    variable serial
    set opts [dict create -as root -netns 0 -env {} -stdin {} -preload {}]
    while {[llength $args] > 1} {
        set args [lassign $args k v]
        dict set opts $k $v
    }
    set script [lindex $args 0]
    set file [file join $scratch child[incr serial].tcl]
    set f [open $file w]
    puts $f [list source [file join $here child.tcl]]
    puts $f $script
    close $f
    file attributes $file -permissions 0644
    set cmd [launcher [dict get $opts -as]]
    if {[dict get $opts -preload] ne ""} {
        # Into tclsh alone, not the launchers before it. The sanitizer
        # run's tclsh wants its runtime first in the load order.
        set preload [list {*}[sanitizerRuntime] [dict get $opts -preload]]
        set cmd [linsert $cmd end-1 env LD_PRELOAD=[join $preload " "]]
    }
    lappend cmd $file
    if {[dict get $opts -netns]} {
        set cmd [list unshare -n sh -c {ip link set lo up && exec "$@"} sh {*}$cmd]
    }
    set env [list env TCLLIBPATH=$build]
    dict for {k v} [dict get $opts -env] { lappend env $k=$v }
    # stderr apart from the result: the package may warn there (see
    # cap::exposure); ::capt::stderr keeps it for tests that look.
    set errFile $file.stderr
    set rc [catch {exec {*}$env {*}$cmd << [dict get $opts -stdin] 2> $errFile} out]
    variable stderr
    set f [open $errFile]
    set stderr [string trim [read $f]]
    close $f
    file delete $errFile
    if {$rc} {
        return -code error -errorcode [list CAPTEST CHILD] "child failed: $out\n$stderr"
    }
    return [string trim $out]
}

# The same, expecting the child to fail: returns its combined output.
# The sanitizer runtime the test tclsh links (empty in the plain run).
proc ::capt::sanitizerRuntime {} {
    variable tclsh
    if {![regexp -line {libasan\.so\S* => (\S+)} [exec ldd $tclsh] -> path]} { return {} }
    return $path
}

proc ::capt::runFails {args} {
    if {![catch {::capt::run {*}$args} msg]} {
        return -code error "child unexpectedly succeeded: $msg"
    }
    return $msg
}
