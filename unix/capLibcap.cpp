#include "capLibcap.h"

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <sys/capability.h>
#include <type_traits>

namespace tclcap {
namespace {

struct CapFree {
    void operator()(void* p) const noexcept { cap_free(p); }
};
using CapPtr = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;
using CapString = std::unique_ptr<char, CapFree>;

const cap_flag_t kFlags[] = {CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE};

CapMask* FlagField(CapTriple& t, cap_flag_t f) {
    switch (f) {
    case CAP_EFFECTIVE: return &t.effective;
    case CAP_PERMITTED: return &t.permitted;
    default: return &t.inheritable;
    }
}

CapPtr FromTriple(const CapTriple& t) {
    CapPtr caps(cap_init());
    if (!caps) return caps;
    CapTriple copy = t;
    for (cap_flag_t f : kFlags) {
        CapMask m = *FlagField(copy, f);
        for (unsigned c = 0; c < 64; ++c) {
            if (m & CapBit(c)) {
                cap_value_t v = static_cast<cap_value_t>(c);
                cap_set_flag(caps.get(), f, 1, &v, CAP_SET);
            }
        }
    }
    return caps;
}

CapTriple ToTriple(cap_t caps) {
    CapTriple t;
    for (cap_flag_t f : kFlags) {
        for (unsigned c = 0; c < 64; ++c) {
            cap_flag_value_t v = CAP_CLEAR;
            if (cap_get_flag(caps, static_cast<cap_value_t>(c), f, &v) == 0 &&
                v == CAP_SET)
                *FlagField(t, f) |= CapBit(c);
        }
    }
    return t;
}

} // namespace

std::string CapName(unsigned cap) {
    CapString name(cap_to_name(static_cast<cap_value_t>(cap)));
    return name ? std::string(name.get()) : std::to_string(cap);
}

bool CapLookup(const std::string& lowered, unsigned& cap) {
    if (lowered.empty()) return false;
    if (lowered.find_first_not_of("0123456789") == std::string::npos) {
        // No leading zeros: Tcl would read "040" as octal 32.
        if (lowered.size() > 2 || (lowered.size() > 1 && lowered[0] == '0')) return false;
        cap = static_cast<unsigned>(std::strtoul(lowered.c_str(), nullptr, 10));
        return cap <= LastCap();
    }
    std::string full = lowered.compare(0, 4, "cap_") == 0 ? lowered : "cap_" + lowered;
    cap_value_t v;
    // cap_from_name also accepts numbers; we only want names here.
    if (full.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos)
        return false;
    if (cap_from_name(full.c_str(), &v) != 0 || v < 0) return false;
    cap = static_cast<unsigned>(v);
    return cap <= LastCap();
}

std::string TripleToText(const CapTriple& t) {
    CapPtr caps = FromTriple(t);
    if (!caps) return "=";
    CapString text(cap_to_text(caps.get(), nullptr));
    return text ? std::string(text.get()) : std::string("=");
}

int TextToTriple(const std::string& text, CapTriple& out) {
    errno = 0;
    CapPtr caps(cap_from_text(text.c_str()));
    if (!caps) return errno ? errno : EINVAL;
    out = ToTriple(caps.get());
    return 0;
}

int FileCapGet(const std::string& path, bool& has, std::string& text) {
    has = false;
    text.clear();
    errno = 0;
    CapPtr caps(cap_get_file(path.c_str()));
    if (!caps) {
        if (errno == ENODATA) return 0;
        return errno ? errno : EIO;
    }
    CapString s(cap_to_text(caps.get(), nullptr));
    if (!s) return errno ? errno : ENOMEM;
    has = true;
    text = s.get();
    return 0;
}

int FileCapSet(const std::string& path, const std::string& text) {
    errno = 0;
    CapPtr caps(cap_from_text(text.c_str()));
    if (!caps) return errno ? errno : EINVAL;
    if (cap_set_file(path.c_str(), caps.get()) != 0) return errno;
    return 0;
}

int FileCapRemove(const std::string& path) {
    if (cap_set_file(path.c_str(), nullptr) != 0) {
        return errno == ENODATA ? 0 : errno;
    }
    return 0;
}

} // namespace tclcap
