#include "capUsers.h"

#include <cerrno>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace tclcap {
namespace {

// (uid_t)-1 and (gid_t)-1 mean "leave unchanged" to setresuid(2) and
// setresgid(2): no id is this large.
constexpr unsigned long long kNoId = 0xffffffffULL;
static_assert(sizeof(uid_t) == 4 && sizeof(gid_t) == 4, "ids are 32 bits on Linux");

enum class Numeric { No, Yes, TooLarge };

// Whether text is a number, and its value. The range is checked on the
// digits, before any cast: a cast to uid_t would wrap 4294967296 to 0.
Numeric ParseId(const std::string& text, unsigned long& v) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return Numeric::No;
    unsigned long long acc = 0;
    for (char c : text) {
        acc = acc * 10 + static_cast<unsigned>(c - '0');
        if (acc >= kNoId) return Numeric::TooLarge;
    }
    v = static_cast<unsigned long>(acc);
    return Numeric::Yes;
}

// Calls a getXXX_r function, growing its buffer while it says ERANGE. The
// result's strings point into buf: the caller keeps it.
template <class Call>
int WithBuffer(int sizeHint, std::vector<char>& buf, Call call) {
    long n = sysconf(sizeHint);
    buf.resize(n > 0 ? static_cast<std::size_t>(n) : 16384);
    int rc;
    while ((rc = call(buf)) == ERANGE && buf.size() < (std::size_t{64} << 20)) buf.resize(buf.size() * 2);
    return rc;
}

// getpwnam_r(3) and its kin say "no such entry" with 0 or one of these;
// anything else means the database could not be read, which must not pass
// for "unknown".
Lookup Outcome(int rc, bool found, Numeric numeric) {
    if (found) return Lookup{LookupStatus::Found, 0};
    if (rc != 0 && rc != ENOENT && rc != ESRCH && rc != EBADF && rc != EPERM)
        return Lookup{LookupStatus::Failed, rc};
    return Lookup{numeric == Numeric::Yes ? LookupStatus::NotInDatabase : LookupStatus::Unknown, 0};
}

} // namespace

Lookup LookupUser(const std::string& text, UserEntry& out) {
    out = UserEntry{};
    unsigned long id = 0;
    Numeric numeric = ParseId(text, id);
    if (numeric == Numeric::TooLarge) return Lookup{LookupStatus::OutOfRange, 0};
    passwd pw{};
    passwd* res = nullptr;
    std::vector<char> storage;
    int rc = WithBuffer(_SC_GETPW_R_SIZE_MAX, storage, [&](std::vector<char>& buf) {
        return numeric == Numeric::Yes
                   ? getpwuid_r(static_cast<uid_t>(id), &pw, buf.data(), buf.size(), &res)
                   : getpwnam_r(text.c_str(), &pw, buf.data(), buf.size(), &res);
    });
    Lookup r = Outcome(rc, res != nullptr, numeric);
    // An entry claiming id -1 (say from a remote directory) would make
    // setresuid/setresgid leave root's ids as they are.
    if (res && (pw.pw_uid == static_cast<uid_t>(-1) || pw.pw_gid == static_cast<gid_t>(-1)))
        return Lookup{LookupStatus::EntryNoId, 0};
    if (res) {
        out.found = true;
        out.name = pw.pw_name;
        out.uid = pw.pw_uid;
        out.gid = pw.pw_gid;
    } else if (r.status == LookupStatus::NotInDatabase) {
        out.uid = static_cast<uid_t>(id);
    }
    return r;
}

Lookup LookupGroup(const std::string& text, gid_t& gid) {
    unsigned long id = 0;
    Numeric numeric = ParseId(text, id);
    if (numeric == Numeric::TooLarge) return Lookup{LookupStatus::OutOfRange, 0};
    group gr{};
    group* res = nullptr;
    std::vector<char> storage;
    int rc = WithBuffer(_SC_GETGR_R_SIZE_MAX, storage, [&](std::vector<char>& buf) {
        return numeric == Numeric::Yes
                   ? getgrgid_r(static_cast<gid_t>(id), &gr, buf.data(), buf.size(), &res)
                   : getgrnam_r(text.c_str(), &gr, buf.data(), buf.size(), &res);
    });
    Lookup r = Outcome(rc, res != nullptr, numeric);
    if (res && gr.gr_gid == static_cast<gid_t>(-1)) return Lookup{LookupStatus::EntryNoId, 0};
    if (res) gid = gr.gr_gid;
    else if (r.status == LookupStatus::NotInDatabase) gid = static_cast<gid_t>(id);
    return r;
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
