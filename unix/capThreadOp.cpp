#include "capThreadOp.h"

#include <cerrno>
#include <linux/prctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tclcap {
namespace {

inline long Prctl(long opt, long a = 0, long b = 0, long c = 0, long d = 0) noexcept {
    return syscall(SYS_prctl, opt, a, b, c, d);
}

inline StepResult Fail(OpStep step, int cap = -1) noexcept {
    return StepResult{errno, step, cap};
}

// Which capability a refused capset asked for beyond what the thread holds:
// the kernel says only EPERM, the user wants a name.
int RefusedCap(const CapTriple& cur, const CapTriple& next) noexcept {
    CapMask beyond = ((next.effective | next.permitted) & ~cur.permitted) |
                     (next.inheritable & ~cur.inheritable & ~cur.permitted);
    if (!beyond) beyond = next.inheritable & ~cur.inheritable;
    if (!beyond) beyond = next.effective & ~next.permitted;
    return LowestCap(beyond);
}

} // namespace

const char* OpStepName(OpStep step) {
    switch (step) {
    case OpStep::None: return "none";
    case OpStep::KeepcapsBefore: return "keepcaps";
    case OpStep::Groups: return "setgroups";
    case OpStep::Gid: return "setresgid";
    case OpStep::Uid: return "setresuid";
    case OpStep::Bounding: return "bounding set drop";
    case OpStep::Securebits: return "securebits";
    case OpStep::AmbientLower: return "ambient lower";
    case OpStep::Caps: return "capset";
    case OpStep::AmbientRaise: return "ambient raise";
    case OpStep::NoNewPrivs: return "no_new_privs";
    case OpStep::KeepcapsAfter: return "keepcaps";
    }
    return "?";
}

bool ThreadOp::Empty() const {
    return keepcapsBefore < 0 && !setGroups && !setGid && !setUid &&
           boundingDrop == 0 && securebits < 0 && !ambientClear &&
           ambientLower == 0 && !setCaps && ambientRaise == 0 && !noNewPrivs &&
           keepcapsAfter < 0;
}

StepResult RunThreadOp(const ThreadOp& op) noexcept {
    if (op.keepcapsBefore >= 0 && Prctl(PR_SET_KEEPCAPS, op.keepcapsBefore) != 0)
        return Fail(OpStep::KeepcapsBefore);
    // Bounding set and securebits need CAP_SETPCAP, so they come before the
    // uid change and the capset that may take it away.
    for (unsigned c = 0; c < 64 && op.boundingDrop; ++c) {
        if (!(op.boundingDrop & CapBit(c))) continue;
        if (Prctl(PR_CAPBSET_READ, c) == 1 && Prctl(PR_CAPBSET_DROP, c) != 0)
            return Fail(OpStep::Bounding, static_cast<int>(c));
    }
    if (op.securebits >= 0 && Prctl(PR_SET_SECUREBITS, op.securebits) != 0)
        return Fail(OpStep::Securebits);
    // Groups, then gid, then uid: once the uid changes we may no longer be
    // allowed to change the others.
    if (op.setGroups && syscall(SYS_setgroups, op.ngroups, op.groups) != 0)
        return Fail(OpStep::Groups);
    if (op.setGid && syscall(SYS_setresgid, op.gid, op.gid, op.gid) != 0)
        return Fail(OpStep::Gid);
    if (op.setUid && syscall(SYS_setresuid, op.uid, op.uid, op.uid) != 0)
        return Fail(OpStep::Uid);
    if (op.ambientClear &&
        Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) != 0)
        return Fail(OpStep::AmbientLower);
    for (unsigned c = 0; c < 64 && op.ambientLower; ++c) {
        if (!(op.ambientLower & CapBit(c))) continue;
        if (Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, c) != 0)
            return Fail(OpStep::AmbientLower, static_cast<int>(c));
    }
    if (op.setCaps) {
        CapTriple cur;
        if (int err = RawCapGet(0, cur)) return StepResult{err, OpStep::Caps, -1};
        CapTriple next;
        next.effective = (cur.effective & op.keep.effective) | op.add.effective;
        next.permitted = (cur.permitted & op.keep.permitted) | op.add.permitted;
        next.inheritable = (cur.inheritable & op.keep.inheritable) | op.add.inheritable;
        if (next != cur) {
            if (int err = RawCapSet(next)) return StepResult{err, OpStep::Caps, RefusedCap(cur, next)};
        }
    }
    for (unsigned c = 0; c < 64 && op.ambientRaise; ++c) {
        if (!(op.ambientRaise & CapBit(c))) continue;
        if (Prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c) != 0)
            return Fail(OpStep::AmbientRaise, static_cast<int>(c));
    }
    if (op.noNewPrivs && Prctl(PR_SET_NO_NEW_PRIVS, 1) != 0)
        return Fail(OpStep::NoNewPrivs);
    if (op.keepcapsAfter >= 0 && Prctl(PR_SET_KEEPCAPS, op.keepcapsAfter) != 0)
        return Fail(OpStep::KeepcapsAfter);
    return StepResult{};
}

} // namespace tclcap

namespace tclcap {
int OwnSecurebits() noexcept { return static_cast<int>(Prctl(PR_GET_SECUREBITS)); }
} // namespace tclcap
