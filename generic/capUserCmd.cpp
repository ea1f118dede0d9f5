// cap::setuser and cap::lockdown: the two transitions a service makes once
// its sockets are open — leave root for a service user, and shed every
// privilege it will not need again.
#include "capApply.h"
#include "capCmds.h"
#include "capNames.h"
#include "../unix/capLibcap.h"
#include "../unix/capProcStatus.h"
#include "../unix/capThreadOp.h"
#include "../unix/capUsers.h"

#include <algorithm>
#include <cerrno>
#include <linux/capability.h>
#include <linux/securebits.h>

namespace tclcap {
namespace {

int GetKeepMask(Tcl_Interp* interp, Tcl_Obj* list, CapMask& mask) {
    Tcl_Size n;
    Tcl_Obj** elems;
    if (Tcl_ListObjGetElements(interp, list, &n, &elems) != TCL_OK) return TCL_ERROR;
    return GetCapMaskFromObjv(interp, n, elems, mask);
}

// The error for a lookup that gave no usable id; kind is "user" or "group".
int LookupError(Tcl_Interp* interp, const Lookup& r, const std::string& kind, const std::string& text) {
    if (r.status == LookupStatus::Failed)
        return PosixError(interp, r.err, "cap::setuser: cannot look up " + kind + " \"" + text + "\"",
                          " (the " + kind + " database could not be read; nothing was changed)");
    const std::string code = kind == "user" ? "USER" : "GROUP";
    std::string msg = "unknown " + kind + " \"" + text + "\"";
    // 4294967295 is (uid_t)-1, "no change" to setresuid(2).
    if (r.status == LookupStatus::OutOfRange) msg += ": ids run from 0 to 4294967294";
    if (r.status == LookupStatus::EntryNoId) msg += ": its database entry gives id 4294967295, which is no id";
    return CapError(interp, {code, text}, msg);
}

// -keep capabilities that would undo the switch itself.
int CheckKeepable(Tcl_Interp* interp, CapMask keep) {
    static const struct { unsigned cap; const char* name; const char* why; } never[] = {
        {CAP_SETUID, "cap_setuid", "any thread could call setuid(0) and be root again"},
        {CAP_SETGID, "cap_setgid", "any thread could take back gid 0 and root's supplementary groups"},
    };
    for (const auto& n : never)
        if (keep & CapBit(n.cap))
            return CapError(interp, {"KEEP", n.name},
                            std::string("cap::setuser -keep: ") + n.name + " cannot be kept: with it " +
                                n.why + "; nothing was changed");
    return TCL_OK;
}

int SetuserCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const options[] = {"-group", "-groups", "-keep", nullptr};
    enum { GROUP, GROUPS, KEEP };
    if (objc < 2 || objc % 2 != 0) {
        Tcl_WrongNumArgs(interp, 1, objv, "user ?-group group? ?-groups list? ?-keep capabilities?");
        return TCL_ERROR;
    }
    std::string userText = Tcl_GetString(objv[1]);
    Tcl_Obj* groupObj = nullptr;
    Tcl_Obj* groupsObj = nullptr;
    CapMask keep = 0;
    for (int i = 2; i < objc; i += 2) {
        int opt;
        if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0, &opt) != TCL_OK) return TCL_ERROR;
        if (opt == GROUP) groupObj = objv[i + 1];
        else if (opt == GROUPS) groupsObj = objv[i + 1];
        else if (GetKeepMask(interp, objv[i + 1], keep) != TCL_OK) return TCL_ERROR;
    }
    if (CheckKeepable(interp, keep) != TCL_OK) return TCL_ERROR;

    UserEntry user;
    Lookup found = LookupUser(userText, user);
    if (!found.Usable()) return LookupError(interp, found, "user", userText);
    if (user.uid == 0 && userText != "root")
        return CapError(interp, {"USER", userText},
                        "\"" + userText + "\" is uid 0: refusing to \"switch\" to root; "
                        "name the user root explicitly if that is really meant");
    gid_t gid = user.gid;
    if (groupObj) {
        std::string g = Tcl_GetString(groupObj);
        Lookup r = LookupGroup(g, gid);
        if (!r.Usable()) return LookupError(interp, r, "group", g);
    } else if (!user.found) {
        return CapError(interp, {"GROUP", ""},
                        "uid " + userText + " is not in the user database: give -group");
    }
    std::vector<gid_t> groups;
    if (groupsObj) {
        Tcl_Size n;
        Tcl_Obj** elems;
        if (Tcl_ListObjGetElements(interp, groupsObj, &n, &elems) != TCL_OK) return TCL_ERROR;
        for (Tcl_Size i = 0; i < n; ++i) {
            std::string g = Tcl_GetString(elems[i]);
            gid_t one;
            Lookup r = LookupGroup(g, one);
            if (!r.Usable()) return LookupError(interp, r, "group", g);
            groups.push_back(one);
        }
    } else if (user.found) {
        groups = DatabaseGroups(user.name, gid);
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());

    TaskStatus st;
    if (OwnStatus(interp, st) != TCL_OK) return TCL_ERROR;
    const CapMask needed = CapBit(CAP_SETUID) | CapBit(CAP_SETGID);
    if ((st.effective & needed) != needed)
        return PosixError(interp, EPERM, "cap::setuser: cannot switch to user \"" + userText + "\"",
                          " (needs cap_setuid and cap_setgid in the effective set, as root has; "
                          "nothing was changed)");
    if (keep && CheckPermitted(interp, "cap::setuser -keep", keep) != TCL_OK) return TCL_ERROR;

    // keepcaps is per thread, like the rest, but once keep_caps is locked
    // (cap::lockdown locks it off) PR_SET_KEEPCAPS fails: leave it alone.
    const int bits = OwnSecurebits();
    if (bits < 0) return PosixError(interp, errno, "cap::setuser: cannot read the securebits");
    const bool keepcapsLocked = (bits & SECBIT_KEEP_CAPS_LOCKED) != 0;
    // Then only keep_caps locked on, or no_setuid_fixup, carries -keep across
    // a change away from uid 0: fail before anything changes.
    const bool leavesRoot = user.uid != 0 && (st.uid[0] == 0 || st.uid[1] == 0 || st.uid[2] == 0);
    if (keep && keepcapsLocked && leavesRoot && !(bits & (SECBIT_KEEP_CAPS | SECBIT_NO_SETUID_FIXUP)))
        return CapError(interp, {"KEEPCAPS", "LOCKED"},
                        "cap::setuser -keep: keep_caps is locked off in the securebits (as cap::lockdown "
                        "leaves it) and no_setuid_fixup is not set, so the kernel would clear the kept "
                        "capabilities at the uid change; nothing was changed");

    ThreadOp op;
    if (!keepcapsLocked) {
        op.keepcapsBefore = keep ? 1 : 0;
        op.keepcapsAfter = 0;
    }
    // Root's bounding set goes too (TclX leaves it), while CAP_SETPCAP lasts.
    const bool canSetpcap = (st.effective & CapBit(CAP_SETPCAP)) != 0;
    if (canSetpcap) op.boundingDrop = AllCaps() & ~keep & st.bounding;
    op.setGroups = true;
    op.groups = groups.data();
    op.ngroups = groups.size();
    op.setGid = true;
    op.gid = gid;
    op.setUid = true;
    op.uid = user.uid;
    op.ambientClear = true;
    op.setCaps = true;
    op.keep = CapTriple{0, 0, 0};
    op.add = CapTriple{keep, keep, 0};

    Expect e;
    e.uid = static_cast<long>(user.uid);
    e.gid = static_cast<long>(gid);
    e.checkGroups = true;
    e.groups.assign(groups.begin(), groups.end());
    CapMask others = AllCaps() & ~keep;
    for (int set : {SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE, SET_AMBIENT}) e.mustLack[set] = others;
    e.mustHave[SET_EFFECTIVE] = keep;
    e.mustHave[SET_PERMITTED] = keep;
    if (canSetpcap) e.mustLack[SET_BOUNDING] = AllCaps() & ~keep;
    // keep_caps ends off, or as it was when locked.
    e.securebitsMask = SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED;
    e.securebitsValue = keepcapsLocked ? bits & e.securebitsMask : 0;
    return ApplyEverywhere(interp, "cap::setuser", op, e);
}

// The securebits lockdown wants, given what is locked already.
int LockdownBits(int current, Tcl_Obj* skipped) {
    // Bit numbers (SECURE_*), not masks (SECBIT_*).
    struct { int bit, lock; bool on; } wanted[] = {
        {SECURE_NOROOT, SECURE_NOROOT_LOCKED, true},
        {SECURE_NO_SETUID_FIXUP, SECURE_NO_SETUID_FIXUP_LOCKED, true},
        {SECURE_KEEP_CAPS, SECURE_KEEP_CAPS_LOCKED, false},
        {SECURE_NO_CAP_AMBIENT_RAISE, SECURE_NO_CAP_AMBIENT_RAISE_LOCKED, true},
    };
    int bits = 0;
    for (const auto& w : wanted) {
        int lockBit = 1 << w.lock, bit = 1 << w.bit;
        if (current & lockBit) {
            bits |= (current & bit) | lockBit;
            if (((current & bit) != 0) != w.on)
                Tcl_ListObjAppendElement(nullptr, skipped, Tcl_ObjPrintf(
                    "securebit %s left %s: already locked", kSecurebitNames[w.bit], w.on ? "off" : "on"));
        } else {
            bits |= (w.on ? bit : 0) | lockBit;
        }
    }
    return bits;
}

int LockdownCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const options[] = {"-keep", nullptr};
    CapMask keep = 0;
    if (objc != 1 && objc != 3) {
        Tcl_WrongNumArgs(interp, 1, objv, "?-keep capabilities?");
        return TCL_ERROR;
    }
    int opt;
    if (objc == 3 && (Tcl_GetIndexFromObj(interp, objv[1], options, "option", 0, &opt) != TCL_OK ||
                      GetKeepMask(interp, objv[2], keep) != TCL_OK))
        return TCL_ERROR;

    TaskStatus before;
    if (OwnStatus(interp, before) != TCL_OK) return TCL_ERROR;
    ObjRef skipped(Tcl_NewListObj(0, nullptr));
    const CapMask setpcap = CapBit(CAP_SETPCAP);
    // Permitted but not effective: make it effective first, everywhere, so
    // the bounding set and securebits can be locked.
    if ((before.permitted & setpcap) && !(before.effective & setpcap)) {
        ThreadOp raise;
        raise.setCaps = true;
        raise.add.effective = setpcap;
        Expect e;
        e.mustHave[SET_EFFECTIVE] = setpcap;
        if (ApplyEverywhere(interp, "cap::lockdown", raise, e) != TCL_OK) return TCL_ERROR;
        before.effective |= setpcap;
    }
    bool canSetpcap = (before.effective & setpcap) != 0;
    CapMask drop = AllCaps() & ~keep;

    ThreadOp op;
    Expect e;
    if (canSetpcap) {
        op.boundingDrop = drop & before.bounding;
        op.securebits = LockdownBits(OwnSecurebits(), skipped.get());
        e.mustLack[SET_BOUNDING] = drop;
        e.securebitsMask = 0xff;
        e.securebitsValue = op.securebits;
    } else {
        // Say only what really stays: after cap::setuser, or a second
        // lockdown, there may be nothing left to do.
        if (before.bounding & drop)
            Tcl_ListObjAppendElement(nullptr, skipped.get(),
                                     Tcl_NewStringObj("bounding set left: no cap_setpcap", -1));
        const int current = OwnSecurebits();
        if (current < 0) return PosixError(interp, errno, "cap::lockdown: cannot read the securebits");
        const int want = LockdownBits(current, skipped.get());
        const int missing = want & ~current, extra = current & ~want & 0xff;
        if (missing || extra) {
            std::string msg = "securebits left: no cap_setpcap (";
            const char* sep = "";
            for (int pass = 0; pass < 2; ++pass) {
                int m = pass == 0 ? missing : extra;
                if (!m) continue;
                msg += sep;
                msg += pass == 0 ? "not set:" : "not cleared:";
                for (int b = 0; b < 8; ++b)
                    if (m & (1 << b)) msg += std::string(" ") + kSecurebitNames[b];
                sep = "; ";
            }
            Tcl_ListObjAppendElement(nullptr, skipped.get(), NewString(msg + ")"));
        }
    }
    op.ambientLower = drop & before.ambient;
    op.setCaps = true;
    op.keep = CapTriple{keep, keep, keep};
    op.noNewPrivs = true;
    for (int set : {SET_EFFECTIVE, SET_PERMITTED, SET_INHERITABLE, SET_AMBIENT}) e.mustLack[set] = drop;
    e.noNewPrivs = 1;
    if (ApplyEverywhere(interp, "cap::lockdown", op, e) != TCL_OK) return TCL_ERROR;

    TaskStatus after;
    if (OwnStatus(interp, after) != TCL_OK) return TCL_ERROR;
    Tcl_Obj* result = Tcl_NewDictObj();
    DictPut(result, "kept", MaskToList(after.permitted));
    DictPut(result, "dropped", MaskToList(before.permitted & ~after.permitted));
    DictPut(result, "bounding", MaskToList(after.bounding));
    DictPut(result, "securebits", SecurebitsToList(OwnSecurebits()));
    DictPut(result, "no_new_privs", Tcl_NewIntObj(after.noNewPrivs));
    DictPut(result, "skipped", skipped.get());
    Tcl_SetObjResult(interp, result);
    return TCL_OK;
}

const CmdDef kUserCmds[] = {{"setuser", SetuserCmd}, {"lockdown", LockdownCmd}, {nullptr, nullptr}};

} // namespace

void RegisterUserCmds(Tcl_Interp* interp) { RegisterCmds(interp, kUserCmds); }

} // namespace tclcap
