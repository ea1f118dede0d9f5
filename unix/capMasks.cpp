#include "capMasks.h"

#include <cerrno>
#include <cstdio>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace tclcap {

int RawCapGet(int tid, CapTriple& out) noexcept {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, tid};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &hdr, data) != 0) return errno;
    out.effective = data[0].effective | (CapMask{data[1].effective} << 32);
    out.permitted = data[0].permitted | (CapMask{data[1].permitted} << 32);
    out.inheritable = data[0].inheritable | (CapMask{data[1].inheritable} << 32);
    return 0;
}

int RawCapSet(const CapTriple& in) noexcept {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2];
    data[0].effective = static_cast<__u32>(in.effective);
    data[0].permitted = static_cast<__u32>(in.permitted);
    data[0].inheritable = static_cast<__u32>(in.inheritable);
    data[1].effective = static_cast<__u32>(in.effective >> 32);
    data[1].permitted = static_cast<__u32>(in.permitted >> 32);
    data[1].inheritable = static_cast<__u32>(in.inheritable >> 32);
    if (syscall(SYS_capset, &hdr, data) != 0) return errno;
    return 0;
}

unsigned LastCap() {
    // Read once: the kernel's value cannot change while we run.
    static const unsigned last = [] {
        unsigned v = CAP_LAST_CAP;
        if (FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "re")) {
            unsigned r;
            if (std::fscanf(f, "%u", &r) == 1 && r < 64) v = r;
            std::fclose(f);
        }
        return v;
    }();
    return last;
}

CapMask AllCaps() {
    unsigned last = LastCap();
    return last >= 63 ? ~CapMask{0} : ((CapMask{1} << (last + 1)) - 1);
}

} // namespace tclcap
