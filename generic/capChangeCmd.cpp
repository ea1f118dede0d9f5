// cap::raise, cap::lower, cap::drop, cap::set: the effective, permitted and
// inheritable sets, changed on every thread.
#include "capApply.h"
#include "capCmds.h"
#include "capNames.h"
#include "../unix/capLibcap.h"
#include "../unix/capProcStatus.h"

#include <linux/capability.h>

namespace tclcap {
namespace {

int NeedCaps(Tcl_Interp* interp, int objc, Tcl_Obj* const objv[], const char* usage,
             CapMask& mask) {
    if (objc < 2) {
        Tcl_WrongNumArgs(interp, 1, objv, usage);
        return TCL_ERROR;
    }
    return GetCapMaskFromObjv(interp, objc - 1, objv + 1, mask);
}

int RaiseCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    CapMask mask;
    if (NeedCaps(interp, objc, objv, "capability ?capability ...?", mask) != TCL_OK ||
        CheckPermitted(interp, "cap::raise", mask) != TCL_OK)
        return TCL_ERROR;
    ThreadOp op;
    op.setCaps = true;
    op.add.effective = mask;
    Expect e;
    e.mustHave[SET_EFFECTIVE] = mask;
    return ApplyEverywhere(interp, "cap::raise", op, e);
}

int LowerCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    CapMask mask;
    if (NeedCaps(interp, objc, objv, "capability ?capability ...?", mask) != TCL_OK) return TCL_ERROR;
    ThreadOp op;
    op.setCaps = true;
    op.keep.effective = ~mask;
    Expect e;
    e.mustLack[SET_EFFECTIVE] = mask;
    return ApplyEverywhere(interp, "cap::lower", op, e);
}

int DropCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    CapMask mask;
    bool all = objc == 2 && std::string(Tcl_GetString(objv[1])) == "-all";
    if (all) {
        mask = ~CapMask{0};
    } else if (NeedCaps(interp, objc, objv, "-all|capability ?capability ...?", mask) != TCL_OK) {
        return TCL_ERROR;
    }
    TaskStatus st;
    if (OwnStatus(interp, st) != TCL_OK) return TCL_ERROR;
    ThreadOp op;
    Expect e;
    // For good: a root process would regain at exec whatever the bounding
    // set holds, so where it may (cap_setpcap effective) the bounding set
    // loses the same capabilities, first, while cap_setpcap lasts.
    if (st.effective & CapBit(CAP_SETPCAP)) {
        op.boundingDrop = mask & AllCaps() & st.bounding;
        e.mustLack[SET_BOUNDING] = mask & AllCaps();
    }
    op.setCaps = true;
    op.keep = CapTriple{~mask, ~mask, ~mask};
    op.ambientClear = all;
    op.ambientLower = all ? 0 : mask;
    for (int set : {SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE, SET_AMBIENT})
        e.mustLack[set] = mask;
    return ApplyEverywhere(interp, "cap::drop", op, e);
}

int SetCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "text");
        return TCL_ERROR;
    }
    CapTriple t;
    if (GetCapTextFromObj(interp, objv[1], true, t) != TCL_OK) return TCL_ERROR;
    CapMask all = AllCaps();
    ThreadOp op;
    op.setCaps = true;
    op.keep = CapTriple{0, 0, 0};
    op.add = t;
    Expect e;
    e.mustHave[SET_EFFECTIVE] = t.effective;
    e.mustHave[SET_PERMITTED] = t.permitted;
    e.mustHave[SET_INHERITABLE] = t.inheritable;
    e.mustLack[SET_EFFECTIVE] = all & ~t.effective;
    e.mustLack[SET_PERMITTED] = all & ~t.permitted;
    e.mustLack[SET_INHERITABLE] = all & ~t.inheritable;
    return ApplyEverywhere(interp, "cap::set", op, e);
}

const CmdDef kChangeCmds[] = {
    {"raise", RaiseCmd}, {"lower", LowerCmd}, {"drop", DropCmd}, {"set", SetCmd}, {nullptr, nullptr}};

} // namespace

void RegisterChangeCmds(Tcl_Interp* interp) { RegisterCmds(interp, kChangeCmds); }

} // namespace tclcap
