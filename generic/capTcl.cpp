#include "capTcl.h"

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace tclcap {

int CapError(Tcl_Interp* interp, std::initializer_list<std::string> code,
             const std::string& message) {
    std::vector<Tcl_Obj*> words;
    words.push_back(Tcl_NewStringObj("CAP", -1));
    for (const auto& w : code) words.push_back(NewString(w));
    Tcl_SetObjErrorCode(interp, Tcl_NewListObj(static_cast<Tcl_Size>(words.size()), words.data()));
    Tcl_SetObjResult(interp, NewString(message));
    return TCL_ERROR;
}

std::string ErrnoName(int err) {
    int saved = errno;
    errno = err;
    std::string name = Tcl_ErrnoId();
    errno = saved;
    return name;
}

int PosixError(Tcl_Interp* interp, int err, const std::string& what,
               const std::string& hint) {
    const char* text = Tcl_ErrnoMsg(err);
    Tcl_Obj* code[] = {Tcl_NewStringObj("POSIX", -1), NewString(ErrnoName(err)),
                       Tcl_NewStringObj(text, -1)};
    Tcl_SetObjErrorCode(interp, Tcl_NewListObj(3, code));
    Tcl_SetObjResult(interp, NewString(what + ": " + text + hint));
    return TCL_ERROR;
}

void DictPut(Tcl_Obj* dict, const char* key, Tcl_Obj* value) {
    Tcl_DictObjPut(nullptr, dict, Tcl_NewStringObj(key, -1), value);
}

int GetUnsignedFromObj(Tcl_Interp* interp, Tcl_Obj* obj, const char* what,
                       unsigned long max, unsigned long& out) {
    Tcl_Size len;
    const char* s = Tcl_GetStringFromObj(obj, &len);
    bool digits = len > 0 && len <= 19;
    for (Tcl_Size i = 0; digits && i < len; ++i) digits = s[i] >= '0' && s[i] <= '9';
    unsigned long v = digits ? std::strtoul(s, nullptr, 10) : 0;
    if (!digits || v > max) {
        return CapError(interp, {"VALUE", what, s},
                        std::string("expected ") + what + " (an integer from 0 to " +
                            std::to_string(max) + ") but got \"" + s + "\"");
    }
    out = v;
    return TCL_OK;
}

} // namespace tclcap
