// cap::file get|set|remove: file capabilities, as getcap/setcap do them.
#include "capCmds.h"
#include "../unix/capLibcap.h"

#include <cerrno>

namespace tclcap {
namespace {

std::string FileHint(int err) {
    if (err == EPERM) return " (setting file capabilities needs cap_setfcap and ownership of the file or cap_fowner)";
    if (err == ENOTSUP) return " (the filesystem does not support extended attributes)";
    return std::string();
}

int FileCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const subs[] = {"get", "set", "remove", nullptr};
    enum { GET, SET, REMOVE };
    if (objc < 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "get|set|remove path ?text?");
        return TCL_ERROR;
    }
    int sub;
    if (Tcl_GetIndexFromObj(interp, objv[1], subs, "subcommand", 0, &sub) != TCL_OK) return TCL_ERROR;
    if ((sub == SET) != (objc == 4) || objc > 4) {
        Tcl_WrongNumArgs(interp, 2, objv, sub == SET ? "path text" : "path");
        return TCL_ERROR;
    }
    // Native path, after Tcl's ~ and relative-path rules.
    Tcl_Obj* norm = Tcl_FSGetNormalizedPath(interp, objv[2]);
    if (!norm) return TCL_ERROR;
    std::string path = Tcl_GetString(norm);
    std::string given = Tcl_GetString(objv[2]);
    if (sub == GET) {
        bool has;
        std::string text;
        if (int err = FileCapGet(path, has, text))
            return PosixError(interp, err, "cannot read capabilities of \"" + given + "\"");
        Tcl_SetObjResult(interp, NewString(text));
        return TCL_OK;
    }
    if (sub == REMOVE) {
        if (int err = FileCapRemove(path))
            return PosixError(interp, err, "cannot remove capabilities of \"" + given + "\"", FileHint(err));
        return TCL_OK;
    }
    std::string text = Tcl_GetString(objv[3]);
    CapTriple parsed;
    if (TextToTriple(text, parsed) != 0)
        return CapError(interp, {"TEXT", text},
                        "bad capability text \"" + text + "\": expected libcap's form, "
                        "e.g. \"cap_net_bind_service=ep\"");
    if (int err = FileCapSet(path, text))
        return PosixError(interp, err, "cannot set capabilities of \"" + given + "\"", FileHint(err));
    return TCL_OK;
}

const CmdDef kFileCmds[] = {{"file", FileCmd}, {nullptr, nullptr}};

} // namespace

void RegisterFileCmds(Tcl_Interp* interp) { RegisterCmds(interp, kFileCmds); }

} // namespace tclcap
