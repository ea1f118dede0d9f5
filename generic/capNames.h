// Capability and set names as Tcl values.
#ifndef TCLCAP_NAMES_H
#define TCLCAP_NAMES_H

#include "capTcl.h"
#include "../unix/capMasks.h"

namespace tclcap {

// "cap_net_bind_service", "NET_BIND_SERVICE", "10" -> 10. Unknown: CAP NAME.
int GetCapFromObj(Tcl_Interp* interp, Tcl_Obj* obj, unsigned& cap);
// Every argument in objv, each a name (not a list of names).
int GetCapMaskFromObjv(Tcl_Interp* interp, Tcl_Size objc, Tcl_Obj* const objv[],
                       CapMask& mask);
// libcap's text form ("cap_net_bind_service=ep"). Blank text is refused
// (libcap reads it as "=", so an empty variable would pass for "drop
// everything"), and so, with kernelOnly, are numbers the kernel does not
// know. CAP TEXT on error.
int GetCapTextFromObj(Tcl_Interp* interp, Tcl_Obj* obj, bool kernelOnly, CapTriple& out);
// libcap's names, in number order.
Tcl_Obj* MaskToList(CapMask mask);

// The five sets, in the order used everywhere.
enum CapSetIndex { SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE, SET_BOUNDING, SET_AMBIENT };
extern const char* const kSetNames[];

} // namespace tclcap

#endif

namespace tclcap {

// Securebit flag names in bit order (bit 0 = noroot), NULL-terminated for
// Tcl_GetIndexFromObj.
extern const char* const kSecurebitNames[];
Tcl_Obj* SecurebitsToList(int bits);

} // namespace tclcap
