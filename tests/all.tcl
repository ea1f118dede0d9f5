# Runs every tests/*.test file; exits non-zero when any test fails.
package require tcltest 2.5
namespace import ::tcltest::*
configure -testdir [file dirname [file normalize [info script]]] {*}$argv
if {![info exists ::env(CAP_TMPDIR)]} {
    # One scratch folder for the whole run, removed at the end.
    set ::env(CAP_TMPDIR) [exec mktemp -d /tmp/tclcap-tests.XXXXXX]
    file attributes $::env(CAP_TMPDIR) -permissions 0755
    set cleanupScratch 1
}
set failed [runAllTests]
if {[info exists cleanupScratch]} { file delete -force $::env(CAP_TMPDIR) }
exit [expr {$failed ? 1 : 0}]
