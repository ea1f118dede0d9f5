// A change of credentials, described as plain data so that every thread of
// the process can carry it out itself with raw system calls: capabilities,
// securebits, keepcaps, no_new_privs and (for the kernel) uids, gids and
// groups are per thread, and capset(2)/prctl(2) touch only the caller.
#ifndef TCLCAP_THREAD_OP_H
#define TCLCAP_THREAD_OP_H

#include "capMasks.h"

#include <cstddef>
#include <sys/types.h>

namespace tclcap {

// The steps, in the order a thread runs them.
enum class OpStep {
    None,
    KeepcapsBefore,
    Bounding,
    Securebits,
    Groups,
    Gid,
    Uid,
    AmbientLower,
    Caps,
    AmbientRaise,
    NoNewPrivs,
    KeepcapsAfter,
};

const char* OpStepName(OpStep step);

struct ThreadOp {
    int keepcapsBefore = -1;  // PR_SET_KEEPCAPS value, or -1 to leave it
    CapMask boundingDrop = 0;
    int securebits = -1;  // PR_SET_SECUREBITS value, or -1
    bool setGroups = false;
    const gid_t* groups = nullptr;
    std::size_t ngroups = 0;
    bool setGid = false;
    gid_t gid = 0;  // real, effective and saved
    bool setUid = false;
    uid_t uid = 0;  // real, effective and saved
    bool ambientClear = false;
    CapMask ambientLower = 0;
    // capset: new = (old & keep) | add, per set; absolute when keep is 0.
    bool setCaps = false;
    CapTriple keep{~CapMask{0}, ~CapMask{0}, ~CapMask{0}};
    CapTriple add{};
    CapMask ambientRaise = 0;
    bool noNewPrivs = false;
    int keepcapsAfter = -1;

    bool Empty() const;
};

struct StepResult {
    int err = 0;                  // errno of the failing step, 0 on success
    OpStep step = OpStep::None;   // the failing step
    int cap = -1;                 // the capability concerned, or -1
};

// Runs the op in the calling thread. Async-signal-safe: raw syscalls only.
StepResult RunThreadOp(const ThreadOp& op) noexcept;

} // namespace tclcap

#endif

namespace tclcap {
// The calling thread's securebits (PR_GET_SECUREBITS), or -1.
int OwnSecurebits() noexcept;
} // namespace tclcap
