#include "capApply.h"

#include "capNames.h"
#include "../unix/capAllThreads.h"
#include "../unix/capLibcap.h"
#include "../unix/capProcStatus.h"

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace tclcap {
namespace {

// Steps the op contains that run before `failed` (and so stayed applied).
std::string StepsBefore(const ThreadOp& op, OpStep failed) {
    struct { OpStep step; bool used; } steps[] = {
        {OpStep::KeepcapsBefore, op.keepcapsBefore >= 0},
        {OpStep::Bounding, op.boundingDrop != 0},
        {OpStep::Securebits, op.securebits >= 0},
        {OpStep::Groups, op.setGroups},
        {OpStep::Gid, op.setGid},
        {OpStep::Uid, op.setUid},
        {OpStep::AmbientLower, op.ambientClear || op.ambientLower != 0},
        {OpStep::Caps, op.setCaps},
        {OpStep::AmbientRaise, op.ambientRaise != 0},
        {OpStep::NoNewPrivs, op.noNewPrivs},
        {OpStep::KeepcapsAfter, op.keepcapsAfter >= 0},
    };
    std::string out;
    for (const auto& s : steps) {
        if (s.step == failed) break;
        if (!s.used) continue;
        if (!out.empty()) out += ", ";
        out += OpStepName(s.step);
    }
    return out;
}

const CapMask& SetOf(const TaskStatus& st, int set) {
    switch (set) {
    case SET_EFFECTIVE: return st.effective;
    case SET_PERMITTED: return st.permitted;
    case SET_INHERITABLE: return st.inheritable;
    case SET_BOUNDING: return st.bounding;
    default: return st.ambient;
    }
}

// Why st does not meet expect, or "".
std::string Unmet(const TaskStatus& st, const Expect& e) {
    std::ostringstream why;
    for (int set = 0; set < 5; ++set) {
        CapMask have = SetOf(st, set);
        if (CapMask missing = e.mustHave[set] & ~have) {
            ObjRef names(MaskToList(missing));
            why << " " << kSetNames[set] << " lacks " << Tcl_GetString(names.get()) << ";";
        }
        if (CapMask extra = e.mustLack[set] & have) {
            ObjRef names(MaskToList(extra));
            why << " " << kSetNames[set] << " still has " << Tcl_GetString(names.get()) << ";";
        }
    }
    if (e.noNewPrivs >= 0 && st.noNewPrivs != e.noNewPrivs)
        why << " no_new_privs is " << st.noNewPrivs << ";";
    for (int i = 0; i < 4; ++i) {
        if (e.uid >= 0 && st.uid[i] != static_cast<unsigned long>(e.uid)) {
            why << " uid is " << st.uid[i] << ";";
            break;
        }
    }
    for (int i = 0; i < 4; ++i) {
        if (e.gid >= 0 && st.gid[i] != static_cast<unsigned long>(e.gid)) {
            why << " gid is " << st.gid[i] << ";";
            break;
        }
    }
    if (e.checkGroups) {
        auto g = st.groups;
        std::sort(g.begin(), g.end());
        if (g != e.groups) why << " groups differ;";
    }
    return why.str();
}

Tcl_Obj* TidList(const std::vector<pid_t>& tids) {
    Tcl_Obj* list = Tcl_NewListObj(0, nullptr);
    for (pid_t t : tids) Tcl_ListObjAppendElement(nullptr, list, Tcl_NewIntObj(t));
    return list;
}

int ThreadsError(Tcl_Interp* interp, const std::vector<pid_t>& tids, const std::string& msg) {
    ObjRef list(TidList(tids));
    return CapError(interp, {"THREADS", Tcl_GetString(list.get())}, msg);
}

} // namespace

// Every capability in mask must be permitted to this thread.
int OwnStatus(Tcl_Interp* interp, TaskStatus& st) {
    if (int err = ReadOwnThreadStatus(st))
        return PosixError(interp, err, "cannot read /proc/thread-self/status");
    return TCL_OK;
}

int CheckPermitted(Tcl_Interp* interp, const char* cmd, CapMask mask) {
    TaskStatus st;
    if (OwnStatus(interp, st) != TCL_OK) return TCL_ERROR;
    if (CapMask missing = mask & ~st.permitted) {
        std::string name = CapName(static_cast<unsigned>(LowestCap(missing)));
        return CapError(interp, {"NOTPERMITTED", name},
                        std::string(cmd) + ": " + name + " is not in the permitted set; "
                        "it can only be gained at exec: from a file capability, an ambient "
                        "capability or a root start, and only within the bounding set");
    }
    return TCL_OK;
}

std::string PermissionHint(OpStep step, int cap) {
    const std::string name = cap >= 0 ? CapName(static_cast<unsigned>(cap)) : std::string("it");
    switch (step) {
    case OpStep::KeepcapsBefore:
    case OpStep::KeepcapsAfter:
        return " (keep_caps is locked in the securebits and cannot change)";
    case OpStep::Groups:
    case OpStep::Gid: return " (needs cap_setgid)";
    case OpStep::Uid: return " (needs cap_setuid)";
    case OpStep::Bounding:
        return " (dropping " + name + " from the bounding set needs cap_setpcap in the effective set)";
    case OpStep::Securebits:
        return " (securebits need cap_setpcap in the effective set, and locked bits cannot change)";
    case OpStep::Caps:
        if (cap < 0)
            return " (a capability can only be raised or kept if it is in the permitted set)";
        return " (" + name + " could not be added: a capability can be made effective or "
               "permitted only if it is permitted already, and inheritable only if it is in the "
               "bounding set and either permitted or cap_setpcap is effective)";
    case OpStep::AmbientRaise:
        return " (" + name + " must be in the permitted and inheritable sets, "
               "and securebit no_cap_ambient_raise must be off)";
    default: return std::string();
    }
}

int ApplyEverywhere(Tcl_Interp* interp, const char* cmd, const ThreadOp& op,
                    const Expect& expect) {
    BroadcastReport report = RunInAllThreads(op);
    if (report.threads.empty())
        return PosixError(interp, report.err ? report.err : EAGAIN,
                          std::string(cmd) + ": no free real-time signal to reach the other threads",
                          "; nothing was changed");
    if (report.CallerFailed()) {
        const StepResult& r = report.threads[0].result;
        std::string hint = r.err == EPERM ? PermissionHint(r.step, r.cap) : std::string();
        std::string before = StepsBefore(op, r.step);
        if (!before.empty())
            hint += "; already applied to this thread only: " + before;
        else
            hint += "; nothing was changed";
        return PosixError(interp, r.err, std::string(cmd) + ": " + OpStepName(r.step) + " failed", hint);
    }
    std::vector<pid_t> bad;
    std::ostringstream why;
    for (const auto& t : report.threads) {
        if (!t.responded) {
            bad.push_back(t.tid);
            why << " thread " << t.tid << " did not answer (signal " << BroadcastSignal() << " blocked?);";
        } else if (t.result.err) {
            bad.push_back(t.tid);
            why << " thread " << t.tid << ": " << OpStepName(t.result.step) << " failed: "
                << Tcl_ErrnoMsg(t.result.err) << ";";
        }
    }
    if (report.err && bad.empty()) {
        return ThreadsError(interp, bad, std::string(cmd) + ": could not reach every thread: " +
                                             Tcl_ErrnoMsg(report.err) + "; this thread was changed");
    }
    if (!bad.empty()) {
        return ThreadsError(interp, bad, std::string(cmd) + ": the change did not reach every thread:" +
                                             why.str() + " the other threads were changed");
    }

    // Verification against the kernel, every thread. A thread that was
    // exiting when signalled never ran the op but is still listed for a
    // moment: look again before calling it a failure.
    pid_t self = report.threads[0].tid;
    for (int attempt = 0; attempt < 10; ++attempt) {
        bad.clear();
        why.str(std::string());
        std::vector<TaskStatus> all;
        if (int err = ReadAllTaskStatus(0, all))
            return PosixError(interp, err, std::string(cmd) + ": cannot verify /proc/self/task");
        const TaskStatus* ref = nullptr;
        for (const auto& st : all)
            if (st.tid == self) ref = &st;
        if (!ref) return ThreadsError(interp, {self}, std::string(cmd) + ": own thread missing from /proc");
        for (const auto& st : all) {
            std::string unmet = Unmet(st, expect);
            if (!st.SameCredentials(*ref)) unmet += " differs from thread " + std::to_string(self) + ";";
            if (!unmet.empty()) {
                bad.push_back(st.tid);
                why << " thread " << st.tid << ":" << unmet;
            }
        }
        if (bad.empty()) break;
        Tcl_Sleep(10);
    }
    for (const auto& t : report.threads) {
        if (t.securebits != report.threads[0].securebits ||
            (t.securebits & expect.securebitsMask) != expect.securebitsValue) {
            bad.push_back(t.tid);
            why << " thread " << t.tid << ": securebits 0x" << std::hex << t.securebits << std::dec << ";";
        }
    }
    if (!bad.empty())
        return ThreadsError(interp, bad, std::string(cmd) + ": verification failed:" + why.str());
    return TCL_OK;
}

} // namespace tclcap
