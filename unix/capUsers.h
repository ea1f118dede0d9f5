// The user and group databases (NSS): what initgroups(3) would set, looked
// up without changing anything.
#ifndef TCLCAP_USERS_H
#define TCLCAP_USERS_H

#include <string>
#include <sys/types.h>
#include <vector>

namespace tclcap {

// How a lookup of a name or number ended.
enum class LookupStatus {
    Found,          // in the database
    NotInDatabase,  // a number the database does not know: usable as it is
    Unknown,        // a name the database does not know
    OutOfRange,     // a number at or above 4294967295, which (uid_t)-1 and
                    // (gid_t)-1 reserve or which does not fit at all
    EntryNoId,      // a database entry giving id 4294967295
    Failed,         // the database could not be read: see err
};

struct Lookup {
    LookupStatus status = LookupStatus::Unknown;
    int err = 0;  // errno, for Failed
    bool Usable() const {
        return status == LookupStatus::Found || status == LookupStatus::NotInDatabase;
    }
};

struct UserEntry {
    bool found = false;
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;  // primary group
};

// By name, or by number when text is all digits.
Lookup LookupUser(const std::string& text, UserEntry& out);
// A group by name or number.
Lookup LookupGroup(const std::string& text, gid_t& gid);
// The user's supplementary groups from the database, primary group included
// (getgrouplist).
std::vector<gid_t> DatabaseGroups(const std::string& user, gid_t primary);

} // namespace tclcap

#endif
