// cap::ambient, cap::bounding, cap::securebits, cap::nonewprivs: the
// per-thread settings beyond the three classic sets.
#include "capApply.h"
#include "capCmds.h"
#include "capNames.h"
#include "../unix/capProcStatus.h"

#include <cerrno>
#include <linux/securebits.h>

namespace tclcap {
namespace {

int AmbientCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const subs[] = {"raise", "lower", "clear", nullptr};
    enum { RAISE, LOWER, CLEAR };
    if (objc == 1) {
        TaskStatus st;
        if (OwnStatus(interp, st) != TCL_OK) return TCL_ERROR;
        Tcl_SetObjResult(interp, MaskToList(st.ambient));
        return TCL_OK;
    }
    int sub;
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) return TCL_ERROR;
    ThreadOp op;
    Expect e;
    CapMask mask = 0;
    if (sub == CLEAR) {
        if (objc != 2) {
            Tcl_WrongNumArgs(interp, 2, objv, nullptr);
            return TCL_ERROR;
        }
        op.ambientClear = true;
        e.mustLack[SET_AMBIENT] = ~CapMask{0};
        return ApplyEverywhere(interp, "cap::ambient clear", op, e);
    }
    if (objc < 3) {
        Tcl_WrongNumArgs(interp, 2, objv, "capability ?capability ...?");
        return TCL_ERROR;
    }
    if (GetCapMaskFromObjv(interp, objc - 2, objv + 2, mask) != TCL_OK) return TCL_ERROR;
    if (sub == LOWER) {
        op.ambientLower = mask;
        e.mustLack[SET_AMBIENT] = mask;
        return ApplyEverywhere(interp, "cap::ambient lower", op, e);
    }
    if (CheckPermitted(interp, "cap::ambient raise", mask) != TCL_OK) return TCL_ERROR;
    // The kernel checks no_cap_ambient_raise only at the raise, after the
    // implied inheritable change, which would then stay in this thread alone.
    int bits = OwnSecurebits();
    if (bits >= 0 && (bits & SECBIT_NO_CAP_AMBIENT_RAISE)) {
        return PosixError(interp, EPERM, "cap::ambient raise: ambient raise failed",
                          PermissionHint(OpStep::AmbientRaise, LowestCap(mask)) + "; nothing was changed");
    }
    // The kernel requires the inheritable bit too; raising it is implied.
    op.setCaps = true;
    op.add.inheritable = mask;
    op.ambientRaise = mask;
    e.mustHave[SET_AMBIENT] = mask;
    e.mustHave[SET_INHERITABLE] = mask;
    return ApplyEverywhere(interp, "cap::ambient raise", op, e);
}

int BoundingCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const subs[] = {"drop", nullptr};
    if (objc == 1) {
        TaskStatus st;
        if (OwnStatus(interp, st) != TCL_OK) return TCL_ERROR;
        Tcl_SetObjResult(interp, MaskToList(st.bounding));
        return TCL_OK;
    }
    int sub;
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) return TCL_ERROR;
    if (objc < 3) {
        Tcl_WrongNumArgs(interp, 2, objv, "-all|capability ?capability ...?");
        return TCL_ERROR;
    }
    CapMask mask;
    if (objc == 3 && std::string(Tcl_GetString(objv[2])) == "-all") {
        mask = AllCaps();
    } else if (GetCapMaskFromObjv(interp, objc - 2, objv + 2, mask) != TCL_OK) {
        return TCL_ERROR;
    }
    ThreadOp op;
    op.boundingDrop = mask;
    Expect e;
    e.mustLack[SET_BOUNDING] = mask;
    return ApplyEverywhere(interp, "cap::bounding drop", op, e);
}

int SecurebitsCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const subs[] = {"set", "clear", nullptr};
    enum { SET, CLEAR };
    int current = OwnSecurebits();
    if (objc == 1) {
        Tcl_SetObjResult(interp, SecurebitsToList(current));
        return TCL_OK;
    }
    int sub;
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) return TCL_ERROR;
    if (objc < 3) {
        Tcl_WrongNumArgs(interp, 2, objv, "flag ?flag ...?");
        return TCL_ERROR;
    }
    int bits = 0;
    for (int i = 2; i < objc; ++i) {
        int flag;
        if (Tcl_GetIndexFromObj(interp, objv[i], kSecurebitNames, "securebit", 0, &flag) != TCL_OK) {
            Tcl_SetErrorCode(interp, "CAP", "NAME", Tcl_GetString(objv[i]), nullptr);
            return TCL_ERROR;
        }
        bits |= 1 << flag;
    }
    ThreadOp op;
    op.securebits = sub == SET ? (current | bits) : (current & ~bits);
    Expect e;
    e.securebitsMask = 0xff;
    e.securebitsValue = op.securebits;
    return ApplyEverywhere(interp, sub == SET ? "cap::securebits set" : "cap::securebits clear", op, e);
}

int NoNewPrivsCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const subs[] = {"set", nullptr};
    if (objc == 1) {
        TaskStatus st;
        if (OwnStatus(interp, st) != TCL_OK) return TCL_ERROR;
        Tcl_SetObjResult(interp, Tcl_NewBooleanObj(st.noNewPrivs));
        return TCL_OK;
    }
    int sub;
    if (objc != 2) {
        Tcl_WrongNumArgs(interp, 1, objv, "?set?");
        return TCL_ERROR;
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) return TCL_ERROR;
    ThreadOp op;
    op.noNewPrivs = true;
    Expect e;
    e.noNewPrivs = 1;
    return ApplyEverywhere(interp, "cap::nonewprivs set", op, e);
}

const CmdDef kSetCmds[] = {{"ambient", AmbientCmd}, {"bounding", BoundingCmd},
                           {"securebits", SecurebitsCmd}, {"nonewprivs", NoNewPrivsCmd},
                           {nullptr, nullptr}};

} // namespace

void RegisterSetCmds(Tcl_Interp* interp) { RegisterCmds(interp, kSetCmds); }

} // namespace tclcap
