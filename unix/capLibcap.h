// libcap wrappers: names, the text form shared with setcap/getcap/capsh,
// and file capabilities. Every cap_t and libcap string is owned by RAII.
#ifndef TCLCAP_LIBCAP_H
#define TCLCAP_LIBCAP_H

#include "capMasks.h"

#include <string>
#include <sys/types.h>

namespace tclcap {

// "cap_net_bind_service" for 10; a decimal string for numbers libcap does
// not name.
std::string CapName(unsigned cap);

// Looks up a lowercase name ("cap_chown" or "chown") or a decimal number.
// Fails for capabilities the running kernel does not know.
bool CapLookup(const std::string& lowered, unsigned& cap);

// libcap's text form, e.g. "cap_net_bind_service=eip" or "=".
std::string TripleToText(const CapTriple& t);
// cap_from_text; returns 0 or errno (EINVAL for bad text).
int TextToTriple(const std::string& text, CapTriple& out);

// File capabilities. FileCapGet sets `has` false when the file carries none.
int FileCapGet(const std::string& path, bool& has, std::string& text);
int FileCapSet(const std::string& path, const std::string& text);
int FileCapRemove(const std::string& path);

} // namespace tclcap

#endif
