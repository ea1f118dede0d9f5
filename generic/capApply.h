// Applies a change to every thread and verifies it against the kernel.
#ifndef TCLCAP_APPLY_H
#define TCLCAP_APPLY_H

#include "capTcl.h"
#include "../unix/capThreadOp.h"

#include <string>
#include <vector>

namespace tclcap {

// What every thread must show in /proc afterwards, besides being identical.
struct Expect {
    CapMask mustHave[5] = {};  // indexed by CapSetIndex
    CapMask mustLack[5] = {};
    int noNewPrivs = -1;
    long uid = -1;  // real, effective, saved and fs
    long gid = -1;
    bool checkGroups = false;
    std::vector<unsigned long> groups;  // sorted
    int securebitsMask = 0;  // bits of PR_GET_SECUREBITS that must equal
    int securebitsValue = 0;
};

// Runs op in every thread, then re-reads /proc/self/task/*/status. Errors:
// POSIX ... when this thread refused (no other thread touched), CAP THREADS
// when some thread failed, did not answer or differs afterwards.
int ApplyEverywhere(Tcl_Interp* interp, const char* cmd, const ThreadOp& op,
                    const Expect& expect);

struct TaskStatus;
// The calling thread's /proc status, or a POSIX error.
int OwnStatus(Tcl_Interp* interp, TaskStatus& st);

// CAP NOTPERMITTED unless every capability in mask is permitted to this
// thread.
int CheckPermitted(Tcl_Interp* interp, const char* cmd, CapMask mask);

// The hint appended to an EPERM message for a failing step.
std::string PermissionHint(OpStep step, int cap);

} // namespace tclcap

#endif
