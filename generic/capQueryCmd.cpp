// cap::names, cap::get, cap::sets, cap::has, cap::threads: reading state.
#include "capCmds.h"
#include "capNames.h"
#include "../unix/capAllThreads.h"
#include "../unix/capLibcap.h"
#include "../unix/capProcStatus.h"

namespace tclcap {
namespace {

// ?-pid PID?; pid 0 means the calling thread.
int ParsePidOption(Tcl_Interp* interp, int objc, Tcl_Obj* const objv[], pid_t& pid) {
    static const char* const options[] = {"-pid", nullptr};
    pid = 0;
    if (objc != 1 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "?-pid pid?");
        return TCL_ERROR;
    }
    if (objc == 1) return TCL_OK;
    int index;
    if (Tcl_GetIndexFromObj(interp, objv[1], options, "option", 0, &index) != TCL_OK)
        return TCL_ERROR;
    unsigned long v;
    if (GetUnsignedFromObj(interp, objv[2], "pid", 0x3fffffff, v) != TCL_OK || v == 0) {
        std::string s = Tcl_GetString(objv[2]);
        return CapError(interp, {"VALUE", "pid", s},
                        "expected a process id (a positive integer) but got \"" + s + "\"");
    }
    pid = static_cast<pid_t>(v);
    return TCL_OK;
}

int ReadSets(Tcl_Interp* interp, pid_t pid, TaskStatus& st) {
    int err = pid ? ReadProcessStatus(pid, st) : ReadOwnThreadStatus(st);
    if (err == ENOENT) err = ESRCH;
    if (err) return PosixError(interp, err, "cannot read capabilities of process " + std::to_string(pid));
    return TCL_OK;
}

int NamesCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, MaskToList(AllCaps()));
    return TCL_OK;
}

int GetCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    pid_t pid;
    if (ParsePidOption(interp, objc, objv, pid) != TCL_OK) return TCL_ERROR;
    CapTriple t;
    if (int err = RawCapGet(pid, t))
        return PosixError(interp, err, "cannot read capabilities of process " + std::to_string(pid));
    Tcl_SetObjResult(interp, NewString(TripleToText(t)));
    return TCL_OK;
}

Tcl_Obj* SetsDict(const TaskStatus& st) {
    Tcl_Obj* d = Tcl_NewDictObj();
    DictPut(d, "effective", MaskToList(st.effective));
    DictPut(d, "permitted", MaskToList(st.permitted));
    DictPut(d, "inheritable", MaskToList(st.inheritable));
    DictPut(d, "bounding", MaskToList(st.bounding));
    DictPut(d, "ambient", MaskToList(st.ambient));
    return d;
}

int SetsCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    pid_t pid;
    TaskStatus st;
    if (ParsePidOption(interp, objc, objv, pid) != TCL_OK || ReadSets(interp, pid, st) != TCL_OK)
        return TCL_ERROR;
    Tcl_SetObjResult(interp, SetsDict(st));
    return TCL_OK;
}

int HasCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    if (objc != 2 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "capability ?set?");
        return TCL_ERROR;
    }
    unsigned cap;
    int set = SET_EFFECTIVE;
    if (GetCapFromObj(interp, objv[1], cap) != TCL_OK) return TCL_ERROR;
    if (objc == 3 && Tcl_GetIndexFromObj(interp, objv[2], kSetNames, "set", 0, &set) != TCL_OK)
        return TCL_ERROR;
    TaskStatus st;
    if (ReadSets(interp, 0, st) != TCL_OK) return TCL_ERROR;
    const CapMask masks[] = {st.effective, st.permitted, st.inheritable, st.bounding, st.ambient};
    Tcl_SetObjResult(interp, Tcl_NewBooleanObj((masks[set] & CapBit(cap)) != 0));
    return TCL_OK;
}

Tcl_Obj* IdList(const unsigned long* ids, std::size_t n) {
    Tcl_Obj* list = Tcl_NewListObj(0, nullptr);
    for (std::size_t i = 0; i < n; ++i)
        Tcl_ListObjAppendElement(nullptr, list, Tcl_NewWideIntObj(static_cast<Tcl_WideInt>(ids[i])));
    return list;
}

int ThreadsCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    if (objc != 1) {
        Tcl_WrongNumArgs(interp, 1, objv, nullptr);
        return TCL_ERROR;
    }
    // Securebits are not in /proc: each thread reports its own.
    BroadcastReport report = RunInAllThreads(ThreadOp{});
    std::vector<TaskStatus> all;
    if (int err = ReadAllTaskStatus(0, all))
        return PosixError(interp, err, "cannot read /proc/self/task");
    Tcl_Obj* result = Tcl_NewDictObj();
    for (const auto& st : all) {
        Tcl_Obj* d = SetsDict(st);
        DictPut(d, "uid", IdList(st.uid, 4));
        DictPut(d, "gid", IdList(st.gid, 4));
        DictPut(d, "groups", IdList(st.groups.data(), st.groups.size()));
        DictPut(d, "no_new_privs", Tcl_NewIntObj(st.noNewPrivs));
        for (const auto& t : report.threads)
            if (t.tid == st.tid && t.responded) DictPut(d, "securebits", SecurebitsToList(t.securebits));
        Tcl_DictObjPut(nullptr, result, Tcl_NewIntObj(st.tid), d);
    }
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

const CmdDef kQueryCmds[] = {
    {"names", NamesCmd}, {"get", GetCmd}, {"sets", SetsCmd},
    {"has", HasCmd}, {"threads", ThreadsCmd}, {nullptr, nullptr}};

} // namespace

void RegisterQueryCmds(Tcl_Interp* interp) { RegisterCmds(interp, kQueryCmds); }

} // namespace tclcap
