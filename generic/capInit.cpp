// Package entry point: loads the commands into ::cap and makes the ensemble.
#include "capCmds.h"

#include <string>

#ifndef PACKAGE_VERSION
#error "PACKAGE_VERSION must come from CMakeLists.txt"
#endif

namespace tclcap {

void RegisterCmds(Tcl_Interp* interp, const CmdDef* defs) {
    for (; defs->name; ++defs) {
        std::string name = std::string("::cap::") + defs->name;
        Tcl_CreateObjCommand(interp, name.c_str(), defs->proc, nullptr, nullptr);
    }
}

} // namespace tclcap

extern "C" DLLEXPORT int Cap_Init(Tcl_Interp* interp) {
    if (Tcl_InitStubs(interp, "8.6-", 0) == nullptr) return TCL_ERROR;
    if (Tcl_FindNamespace(interp, "::cap", nullptr, 0) == nullptr &&
        Tcl_CreateNamespace(interp, "::cap", nullptr, nullptr) == nullptr)
        return TCL_ERROR;
    tclcap::RegisterQueryCmds(interp);
    tclcap::RegisterChangeCmds(interp);
    tclcap::RegisterSetCmds(interp);
    tclcap::RegisterFileCmds(interp);
    tclcap::RegisterSocketCmds(interp);
    tclcap::RegisterUserCmds(interp);
    // Export everything the namespace holds, including library/ scripts.
    if (Tcl_EvalEx(interp,
                   "namespace eval ::cap {namespace export {[a-z]*}; "
                   "namespace ensemble create}",
                   -1, TCL_EVAL_GLOBAL) != TCL_OK)
        return TCL_ERROR;
    return Tcl_PkgProvide(interp, "cap", PACKAGE_VERSION);
}
