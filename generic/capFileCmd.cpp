// cap::file get|set|remove: file capabilities, as getcap/setcap do them.
#include "capCmds.h"
#include "capNames.h"
#include "../unix/capLibcap.h"

#include <cerrno>

namespace tclcap {
namespace {

std::string FileHint(int err) {
    if (err == EPERM) return " (setting file capabilities needs cap_setfcap and ownership of the file or cap_fowner)";
    if (err == ENOTSUP) return " (the filesystem does not support extended attributes)";
    // libcap lstat()s the path and refuses anything but a regular file (a
    // symlink too, as setcap does) with a bare EINVAL.
    if (err == EINVAL) return " (only a regular file, not a symlink or directory, can carry capabilities)";
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
    // Numbers beyond this kernel's are kept, as setcap does: the file may
    // be meant for a newer one.
    if (GetCapTextFromObj(interp, objv[3], false, parsed) != TCL_OK) return TCL_ERROR;
    // A file has one effective flag for all its capabilities: libcap refuses
    // any other effective set with a bare EINVAL (or, with neither p nor i,
    // silently writes "="), so say what is wrong before it does.
    CapMask pi = parsed.permitted | parsed.inheritable;
    if (parsed.effective != 0 && parsed.effective != pi)
        return CapError(interp, {"TEXT", text},
                        "bad capability text \"" + text + "\": a file's effective flag "
                        "applies to all of its permitted and inheritable capabilities, "
                        "e.g. \"cap_net_bind_service=ep\" or \"cap_net_bind_service=p\"");
    if (int err = FileCapSet(path, text))
        return PosixError(interp, err, "cannot set capabilities of \"" + given + "\"", FileHint(err));
    return TCL_OK;
}

const CmdDef kFileCmds[] = {{"file", FileCmd}, {nullptr, nullptr}};

} // namespace

void RegisterFileCmds(Tcl_Interp* interp) { RegisterCmds(interp, kFileCmds); }

} // namespace tclcap
