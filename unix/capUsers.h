// The user and group databases (NSS): what initgroups(3) would set, looked
// up without changing anything.
#ifndef TCLCAP_USERS_H
#define TCLCAP_USERS_H

#include <string>
#include <sys/types.h>
#include <vector>

namespace tclcap {

struct UserEntry {
    bool found = false;
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;  // primary group
};

// By name, or by number when text is all digits (a number not in the
// database is still usable: found stays false, uid is set). Returns false
// for a name that does not exist.
bool LookupUser(const std::string& text, UserEntry& out);
// A group by name or number; false for an unknown name.
bool LookupGroup(const std::string& text, gid_t& gid);
// The user's supplementary groups from the database, primary group included
// (getgrouplist).
std::vector<gid_t> DatabaseGroups(const std::string& user, gid_t primary);

} // namespace tclcap

#endif
