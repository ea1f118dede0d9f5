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

// Calls a getXXX_r function, growing its buffer while it says ERANGE. The
// result's strings point into the buffer: the caller keeps it.
template <class Call>
std::vector<char> WithBuffer(int sizeHint, Call call) {
    long n = sysconf(sizeHint);
    std::vector<char> buf(n > 0 ? static_cast<std::size_t>(n) : 16384);
    while (call(buf) == ERANGE) buf.resize(buf.size() * 2);
    return buf;
}

bool ParseId(const std::string& text, unsigned long& v) {
    if (!AllDigits(text)) return false;
    v = std::strtoul(text.c_str(), nullptr, 10);
    return true;
}

} // namespace

bool LookupUser(const std::string& text, UserEntry& out) {
    out = UserEntry{};
    passwd pw{};
    passwd* res = nullptr;
    unsigned long id = 0;
    bool numeric = ParseId(text, id);
    std::vector<char> storage = WithBuffer(_SC_GETPW_R_SIZE_MAX, [&](std::vector<char>& buf) {
        return numeric ? getpwuid_r(static_cast<uid_t>(id), &pw, buf.data(), buf.size(), &res)
                       : getpwnam_r(text.c_str(), &pw, buf.data(), buf.size(), &res);
    });
    if (res) {
        out.found = true;
        out.name = pw.pw_name;
        out.uid = pw.pw_uid;
        out.gid = pw.pw_gid;
        return true;
    }
    // A number not in the database is still a uid (-1 is no uid at all).
    if (!numeric || id >= static_cast<unsigned long>(static_cast<uid_t>(-1))) return false;
    out.uid = static_cast<uid_t>(id);
    return true;
}

bool LookupGroup(const std::string& text, gid_t& gid) {
    group gr{};
    group* res = nullptr;
    unsigned long id = 0;
    bool numeric = ParseId(text, id);
    std::vector<char> storage = WithBuffer(_SC_GETGR_R_SIZE_MAX, [&](std::vector<char>& buf) {
        return numeric ? getgrgid_r(static_cast<gid_t>(id), &gr, buf.data(), buf.size(), &res)
                       : getgrnam_r(text.c_str(), &gr, buf.data(), buf.size(), &res);
    });
    if (res) {
        gid = gr.gr_gid;
        return true;
    }
    if (!numeric || id >= static_cast<unsigned long>(static_cast<gid_t>(-1))) return false;
    gid = static_cast<gid_t>(id);
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
