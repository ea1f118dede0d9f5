#include "capUsers.h"

#include <cerrno>
#include <cstdlib>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace tclcap {
namespace {

bool AllDigits(const std::string& s) {
    return !s.empty() && s.size() < 11 && s.find_first_not_of("0123456789") == std::string::npos;
}

std::vector<char> Buffer(int which) {
    long n = sysconf(which);
    return std::vector<char>(n > 0 ? static_cast<std::size_t>(n) : 16384);
}

} // namespace

bool LookupUser(const std::string& text, UserEntry& out) {
    out = UserEntry{};
    std::vector<char> buf = Buffer(_SC_GETPW_R_SIZE_MAX);
    passwd pw{};
    passwd* res = nullptr;
    for (;;) {
        int rc = AllDigits(text)
                     ? getpwuid_r(static_cast<uid_t>(std::strtoul(text.c_str(), nullptr, 10)), &pw,
                                  buf.data(), buf.size(), &res)
                     : getpwnam_r(text.c_str(), &pw, buf.data(), buf.size(), &res);
        if (rc == ERANGE) {
            buf.resize(buf.size() * 2);
            continue;
        }
        break;
    }
    if (res) {
        out.found = true;
        out.name = pw.pw_name;
        out.uid = pw.pw_uid;
        out.gid = pw.pw_gid;
        return true;
    }
    if (!AllDigits(text)) return false;
    unsigned long v = std::strtoul(text.c_str(), nullptr, 10);
    if (v >= static_cast<unsigned long>(static_cast<uid_t>(-1))) return false;
    out.uid = static_cast<uid_t>(v);
    return true;
}

bool LookupGroup(const std::string& text, gid_t& gid) {
    std::vector<char> buf = Buffer(_SC_GETGR_R_SIZE_MAX);
    group gr{};
    group* res = nullptr;
    for (;;) {
        int rc = AllDigits(text)
                     ? getgrgid_r(static_cast<gid_t>(std::strtoul(text.c_str(), nullptr, 10)), &gr,
                                  buf.data(), buf.size(), &res)
                     : getgrnam_r(text.c_str(), &gr, buf.data(), buf.size(), &res);
        if (rc == ERANGE) {
            buf.resize(buf.size() * 2);
            continue;
        }
        break;
    }
    if (res) {
        gid = gr.gr_gid;
        return true;
    }
    if (!AllDigits(text)) return false;
    unsigned long v = std::strtoul(text.c_str(), nullptr, 10);
    if (v >= static_cast<unsigned long>(static_cast<gid_t>(-1))) return false;
    gid = static_cast<gid_t>(v);
    return true;
}

std::vector<gid_t> DatabaseGroups(const std::string& user, gid_t primary) {
    std::vector<gid_t> groups(32);
    for (;;) {
        int n = static_cast<int>(groups.size());
        if (getgrouplist(user.c_str(), primary, groups.data(), &n) >= 0) {
            groups.resize(static_cast<std::size_t>(n));
            return groups;
        }
        groups.resize(static_cast<std::size_t>(n) > groups.size() ? static_cast<std::size_t>(n)
                                                                    : groups.size() * 2);
    }
}

} // namespace tclcap
