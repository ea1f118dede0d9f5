// Registration of each group of commands in namespace ::cap.
#ifndef TCLCAP_CMDS_H
#define TCLCAP_CMDS_H

#include "capTcl.h"

namespace tclcap {

struct CmdDef {
    const char* name;  // without namespace
    Tcl_ObjCmdProc* proc;
};

void RegisterCmds(Tcl_Interp* interp, const CmdDef* defs);

void RegisterQueryCmds(Tcl_Interp* interp);
void RegisterChangeCmds(Tcl_Interp* interp);
void RegisterSetCmds(Tcl_Interp* interp);
void RegisterFileCmds(Tcl_Interp* interp);
void RegisterSocketCmds(Tcl_Interp* interp);
void RegisterUserCmds(Tcl_Interp* interp);

} // namespace tclcap

#endif
