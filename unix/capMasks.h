// Capability sets as 64-bit masks (bit N = capability N), the kernel's own
// representation in /proc/<pid>/status and capget(2).
#ifndef TCLCAP_MASKS_H
#define TCLCAP_MASKS_H

#include <cstdint>

namespace tclcap {

using CapMask = std::uint64_t;

inline CapMask CapBit(unsigned cap) { return cap < 64 ? (CapMask{1} << cap) : 0; }

// The lowest capability in m, or -1 when m is empty: the one an error names.
inline int LowestCap(CapMask m) noexcept {
    for (unsigned c = 0; c < 64; ++c)
        if (m & CapBit(c)) return static_cast<int>(c);
    return -1;
}

// The three sets capset(2) changes.
struct CapTriple {
    CapMask effective = 0;
    CapMask permitted = 0;
    CapMask inheritable = 0;
    bool operator==(const CapTriple& o) const {
        return effective == o.effective && permitted == o.permitted &&
               inheritable == o.inheritable;
    }
    bool operator!=(const CapTriple& o) const { return !(*this == o); }
};

// Raw capget/capset of the calling thread (tid 0) or of another task.
// Async-signal-safe; return 0 or an errno value.
int RawCapGet(int tid, CapTriple& out) noexcept;
int RawCapSet(const CapTriple& in) noexcept;

// Highest capability number the running kernel knows.
unsigned LastCap();
// Every capability the kernel knows.
CapMask AllCaps();

} // namespace tclcap

#endif
