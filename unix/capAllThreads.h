// Carrying a ThreadOp out in every thread of this process.
//
// libcap 2.66 cannot reach threads it did not create (see FIELD-NOTES), and
// glibc repeats only set*id() on every thread. So: the calling thread runs
// the op first (if it fails, no other thread was touched); then every other
// thread listed in /proc/self/task is sent a real-time signal with tgkill(2)
// and runs the op in the handler; threads that appear meanwhile get a
// further round. The caller verifies the result against /proc afterwards.
#ifndef TCLCAP_ALL_THREADS_H
#define TCLCAP_ALL_THREADS_H

#include "capThreadOp.h"

#include <sys/types.h>
#include <vector>

namespace tclcap {

struct ThreadOutcome {
    pid_t tid = 0;
    bool responded = false;  // the thread ran the op (or was the caller)
    StepResult result;
    int securebits = -1;     // PR_GET_SECUREBITS in that thread afterwards
};

struct BroadcastReport {
    int err = 0;                         // failure of the mechanism itself
    std::vector<ThreadOutcome> threads;  // the calling thread first
    bool CallerFailed() const { return !threads.empty() && threads[0].result.err; }
};

// Runs op in every thread. An empty op only collects securebits.
BroadcastReport RunInAllThreads(const ThreadOp& op);

// The signal used (for diagnostics and tests).
int BroadcastSignal();

} // namespace tclcap

#endif
