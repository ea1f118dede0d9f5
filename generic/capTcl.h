// Tcl-facing helpers shared by every command: the 8.6/9 shim, reference
// ownership and structured errors.
#ifndef TCLCAP_TCL_H
#define TCLCAP_TCL_H

#include <tcl.h>

#include <initializer_list>
#include <string>

// Tcl 9 counts sizes with Tcl_Size; 8.6 uses int.
#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#define TCL_SIZE_MAX INT_MAX
#endif

namespace tclcap {

// Holds one reference to a Tcl_Obj.
class ObjRef {
public:
    ObjRef() noexcept = default;
    explicit ObjRef(Tcl_Obj* obj) noexcept : obj_(obj) { if (obj_) Tcl_IncrRefCount(obj_); }
    ObjRef(const ObjRef& o) noexcept : ObjRef(o.obj_) {}
    ObjRef(ObjRef&& o) noexcept : obj_(o.obj_) { o.obj_ = nullptr; }
    ObjRef& operator=(ObjRef o) noexcept { std::swap(obj_, o.obj_); return *this; }
    ~ObjRef() { if (obj_) Tcl_DecrRefCount(obj_); }
    Tcl_Obj* get() const noexcept { return obj_; }
    explicit operator bool() const noexcept { return obj_ != nullptr; }

private:
    Tcl_Obj* obj_ = nullptr;
};

inline Tcl_Obj* NewString(const std::string& s) {
    return Tcl_NewStringObj(s.data(), static_cast<Tcl_Size>(s.size()));
}

// Sets result and errorCode {CAP <code...>}; returns TCL_ERROR.
int CapError(Tcl_Interp* interp, std::initializer_list<std::string> code,
             const std::string& message);
// Sets errorCode {POSIX ENAME {text}} and result "<what>: <text><hint>".
int PosixError(Tcl_Interp* interp, int err, const std::string& what,
               const std::string& hint = std::string());
// The symbolic name of an errno value ("EPERM").
std::string ErrnoName(int err);

// Only white space (or nothing): libcap reads such text as "=", so an empty
// variable must not pass for "drop everything".
inline bool IsBlankText(const std::string& text) {
    return text.find_first_not_of(" \t\n\r\v\f") == std::string::npos;
}

// Appends key/value to a dict object.
void DictPut(Tcl_Obj* dict, const char* key, Tcl_Obj* value);

// Parses a non-negative integer strictly (no leading sign or spaces).
int GetUnsignedFromObj(Tcl_Interp* interp, Tcl_Obj* obj, const char* what,
                       unsigned long max, unsigned long& out);

} // namespace tclcap

#endif
