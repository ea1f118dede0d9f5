#include "capNames.h"

#include "../unix/capLibcap.h"

#include <cctype>

namespace tclcap {

const char* const kSetNames[] = {"effective", "permitted", "inheritable",
                                 "bounding", "ambient", nullptr};

int GetCapFromObj(Tcl_Interp* interp, Tcl_Obj* obj, unsigned& cap) {
    std::string s = Tcl_GetString(obj);
    std::string lowered;
    for (char c : s) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (CapLookup(lowered, cap)) return TCL_OK;
    return CapError(interp, {"NAME", s},
                    "unknown capability \"" + s + "\": must be a name such as "
                    "cap_net_bind_service or a number from 0 to " +
                        std::to_string(LastCap()) + " (see cap::names)");
}

int GetCapMaskFromObjv(Tcl_Interp* interp, Tcl_Size objc, Tcl_Obj* const objv[],
                       CapMask& mask) {
    mask = 0;
    for (Tcl_Size i = 0; i < objc; ++i) {
        unsigned cap;
        if (GetCapFromObj(interp, objv[i], cap) != TCL_OK) return TCL_ERROR;
        mask |= CapBit(cap);
    }
    return TCL_OK;
}

int GetCapTextFromObj(Tcl_Interp* interp, Tcl_Obj* obj, bool kernelOnly, CapTriple& out) {
    std::string text = Tcl_GetString(obj);
    if (IsBlankText(text) || TextToTriple(text, out) != 0)
        return CapError(interp, {"TEXT", text},
                        "bad capability text \"" + text + "\": expected libcap's form, "
                        "e.g. \"cap_net_bind_service=ep\" or \"=\"");
    // libcap accepts numbers up to 63, but capset(2) silently discards bits
    // the kernel does not know: "41=ep" would clear everything instead.
    CapMask unknown = (out.effective | out.permitted | out.inheritable) & ~AllCaps();
    if (kernelOnly && unknown) {
        return CapError(interp, {"TEXT", text},
                        "bad capability text \"" + text + "\": capability " +
                            std::to_string(LowestCap(unknown)) + " is unknown to this kernel "
                            "(the highest is " + std::to_string(LastCap()) + ")");
    }
    return TCL_OK;
}

Tcl_Obj* MaskToList(CapMask mask) {
    Tcl_Obj* list = Tcl_NewListObj(0, nullptr);
    for (unsigned c = 0; c < 64; ++c)
        if (mask & CapBit(c))
            Tcl_ListObjAppendElement(nullptr, list, NewString(CapName(c)));
    return list;
}

} // namespace tclcap

namespace tclcap {

const char* const kSecurebitNames[] = {
    "noroot", "noroot_locked", "no_setuid_fixup", "no_setuid_fixup_locked",
    "keep_caps", "keep_caps_locked", "no_cap_ambient_raise",
    "no_cap_ambient_raise_locked", nullptr};

Tcl_Obj* SecurebitsToList(int bits) {
    Tcl_Obj* list = Tcl_NewListObj(0, nullptr);
    for (int i = 0; kSecurebitNames[i]; ++i)
        if (bits >= 0 && (bits & (1 << i)))
            Tcl_ListObjAppendElement(nullptr, list, Tcl_NewStringObj(kSecurebitNames[i], -1));
    return list;
}

} // namespace tclcap
