# Runs every tests/*.test file; exits non-zero when any test fails, and,
# as root (CI), when any test was skipped: there every scenario can run.
package require tcltest 2.5
namespace import ::tcltest::*
configure -testdir [file dirname [file normalize [info script]]] {*}$argv
if {![info exists ::env(CAP_TMPDIR)]} {
    # One scratch folder for the whole run, removed at the end.
    set ::env(CAP_TMPDIR) [exec mktemp -d /tmp/tclcap-tests.XXXXXX]
    file attributes $::env(CAP_TMPDIR) -permissions 0755
    set cleanupScratch 1
}
# The totals of every file, read before cleanupTests resets them.
proc ::tcltest::cleanupTestsHook {} {
    set ::skipped $::tcltest::numTests(Skipped)
    set ::skippedBecause [array get ::tcltest::skippedBecause]
}
# Constraints that may skip even as root, named by the run that needs it
# (CAP_ALLOW_SKIP="userSpecifiedSkip ...").
set allowed [expr {[info exists ::env(CAP_ALLOW_SKIP)] ? $::env(CAP_ALLOW_SKIP) : {}}]
set failed [runAllTests]
if {[info exists cleanupScratch]} { file delete -force $::env(CAP_TMPDIR) }
set unexpected {}
if {[testConstraint root]} {
    foreach {constraint n} $::skippedBecause {
        # -match/-skip selections are the caller's choice, not a skip.
        if {$constraint ni [list userSpecifiedSkip userSpecifiedNonMatch {*}$allowed]} {
            lappend unexpected "$n for $constraint"
        }
    }
}
if {[llength $unexpected]} {
    puts "all.tcl: tests skipped as root, where every one must run: [join $unexpected {, }]"
    set failed 1
}
exit [expr {$failed ? 1 : 0}]
