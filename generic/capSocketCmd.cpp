// cap::socket -server: option parsing, the privilege rules for low ports,
// and the errors users see; the sockets themselves are unix/capSocket.
#include "capCmds.h"
#include "capServerChan.h"
#include "../unix/capListenFds.h"
#include "../unix/capProcStatus.h"

#include <cerrno>
#include <climits>
#include <set>

namespace tclcap {
namespace {

const char kUsage[] =
    "-server command ?-myaddr addr ...? ?-family any|inet|inet6? ?-backlog n? "
    "?-reuseport bool? ?-freebind bool? ?-v6only bool? port | -server command -fd fd ?-fd fd ...?";

// Why a bind below the unprivileged port start got EACCES, from the state
// of cap_net_bind_service during that bind.
std::string EaccesHint(const ListenFailure& why) {
    std::string hint = " (port " + std::to_string(why.port) +
                       " is below net.ipv4.ip_unprivileged_port_start=" +
                       std::to_string(why.unprivilegedStart);
    if (!why.capPermitted)
        return hint +
               " and cap_net_bind_service is not permitted to this process. Remedies: run an "
               "interpreter copy given \"setcap cap_net_bind_service=+ep\" (owner root, mode 0750, "
               "group of the service user); start the service with systemd "
               "AmbientCapabilities=CAP_NET_BIND_SERVICE; or let systemd bind the port "
               "(socket activation: cap::listenfds and cap::socket -fd))";
    if (!why.capEffective)
        return hint + "; cap_net_bind_service is permitted but could not be made effective: " +
               Tcl_ErrnoMsg(why.capRaiseErr) + ")";
    return hint +
           "; cap_net_bind_service is permitted and was effective for the bind, so something "
           "else refused it: a security module (SELinux, AppArmor), a cgroup BPF bind program, "
           "or a network namespace that belongs to another user namespace)";
}

int ListenError(Tcl_Interp* interp, const ListenFailure& why) {
    if (why.call == "getaddrinfo")
        return CapError(interp, {"ADDRESS", why.address},
                        "couldn't open socket: cannot resolve \"" + why.address + "\": " + why.detail);
    if (why.call == "capset")
        return PosixError(interp, why.err,
                          "cap::socket: cannot lower cap_net_bind_service after binding " +
                              why.address + "; sockets closed");
    std::string hint = why.err == EACCES && why.call == "bind" && why.lowPort
                           ? EaccesHint(why) : std::string();
    std::string what = "couldn't open socket on " + why.address;
    if (why.call != "bind") what += " (" + why.call + ")";
    return PosixError(interp, why.err, what, hint);
}

int AdoptFds(Tcl_Interp* interp, const std::vector<int>& fds, std::vector<Listener>& out) {
    int bad = -1;
    int err = AdoptListeners(fds, out, bad);
    if (!err) return TCL_OK;
    std::string fd = std::to_string(bad);
    if (err == EBUSY)
        return CapError(interp, {"INUSE", fd},
                        "cannot adopt fd " + fd + ": a cap::socket server channel owns it already");
    std::string why = err == EINVAL ? "not a listening TCP socket (stream, AF_INET or AF_INET6)"
                                    : Tcl_ErrnoMsg(err);
    return CapError(interp, {"NOTLISTENING", fd}, "cannot adopt fd " + fd + ": " + why);
}

int SocketCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const options[] = {"-server", "-myaddr", "-family", "-backlog", "-reuseport",
                                          "-freebind", "-v6only", "-fd", nullptr};
    enum { SERVER, MYADDR, FAMILY, BACKLOG, REUSEPORT, FREEBIND, V6ONLY, FD };
    static const char* const families[] = {"any", "inet", "inet6", nullptr};
    ListenSpec spec;
    Tcl_Obj* script = nullptr;
    std::vector<int> fds;
    bool addressOptions = false;
    int i = 1;
    for (; i < objc; i += 2) {
        const char* arg = Tcl_GetString(objv[i]);
        if (arg[0] != '-') break;
        int opt;
        if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0, &opt) != TCL_OK) return TCL_ERROR;
        if (i + 1 >= objc)
            return CapError(interp, {"VALUE", options[opt]},
                            std::string("value for \"") + options[opt] + "\" missing");
        Tcl_Obj* val = objv[i + 1];
        int b;
        unsigned long n;
        addressOptions |= opt != SERVER && opt != FD;
        switch (opt) {
        case SERVER: script = val; break;
        case MYADDR: spec.addrs.push_back(Tcl_GetString(val)); break;
        case FAMILY: {
            int f;
            if (Tcl_GetIndexFromObj(interp, val, families, "family", 0, &f) != TCL_OK) return TCL_ERROR;
            spec.family = f == 1 ? AF_INET : f == 2 ? AF_INET6 : AF_UNSPEC;
            break;
        }
        case BACKLOG:
            if (GetUnsignedFromObj(interp, val, "backlog", 65535, n) != TCL_OK) return TCL_ERROR;
            spec.backlog = static_cast<int>(n);
            break;
        case REUSEPORT:
        case FREEBIND:
        case V6ONLY:
            if (Tcl_GetBooleanFromObj(interp, val, &b) != TCL_OK) return TCL_ERROR;
            (opt == REUSEPORT ? spec.reuseport : opt == FREEBIND ? spec.freebind : spec.v6only) = b != 0;
            break;
        case FD:
            if (GetUnsignedFromObj(interp, val, "fd", INT_MAX, n) != TCL_OK) return TCL_ERROR;
            fds.push_back(static_cast<int>(n));
            break;
        }
    }
    if (!script) {
        Tcl_WrongNumArgs(interp, 1, objv, kUsage);
        return TCL_ERROR;
    }
    std::vector<Listener> listeners;
    if (!fds.empty()) {
        if (i != objc || addressOptions)
            return CapError(interp, {"USAGE"},
                            "-fd adopts sockets that are already bound: no port, -myaddr, -family, "
                            "-backlog, -reuseport, -freebind or -v6only with it");
        if (std::set<int>(fds.begin(), fds.end()).size() != fds.size())
            return CapError(interp, {"USAGE"}, "the same -fd given twice");
        if (AdoptFds(interp, fds, listeners) != TCL_OK) return TCL_ERROR;
    } else {
        if (i != objc - 1) {
            Tcl_WrongNumArgs(interp, 1, objv, kUsage);
            return TCL_ERROR;
        }
        std::string portText = Tcl_GetString(objv[i]);
        if (!ResolvePort(portText, spec.port))
            return CapError(interp, {"PORT", portText},
                            "bad port \"" + portText + "\": expected a number from 0 to 65535 or a service name");
        // Low ports: OpenListeners makes the capability effective around
        // each bind(2) alone.
        ListenFailure why;
        if (!OpenListeners(spec, listeners, why)) return ListenError(interp, why);
    }
    Tcl_Channel chan = CreateServerChannel(interp, script, std::move(listeners));
    Tcl_SetObjResult(interp, Tcl_NewStringObj(Tcl_GetChannelName(chan), -1));
    return TCL_OK;
}

int ListenFdsCmd(ClientData, Tcl_Interp* interp, int objc, Tcl_Obj* const objv[]) {
    static const char* const options[] = {"-keepenv", nullptr};
    int dummy;
    if (objc > 2 || (objc == 2 && Tcl_GetIndexFromObj(interp, objv[1], options, "option", 0, &dummy) != TCL_OK)) {
        if (objc > 2) Tcl_WrongNumArgs(interp, 1, objv, "?-keepenv?");
        return TCL_ERROR;
    }
    std::vector<std::pair<std::string, int>> fds;
    int err = ListenFds(fds);
    if (objc == 1) {
        // Children must not see variables meant for us (nor ::env).
        for (int k = 0; kListenFdsVars[k]; ++k)
            Tcl_UnsetVar2(interp, "::env", kListenFdsVars[k], TCL_GLOBAL_ONLY);
        UnsetListenEnv();
    }
    if (err) return PosixError(interp, err, "cap::listenfds: bad LISTEN_FDS from the service manager");
    Tcl_Obj* list = Tcl_NewListObj(0, nullptr);
    for (const auto& p : fds) {
        Tcl_Obj* pair[] = {NewString(p.first), Tcl_NewIntObj(p.second)};
        Tcl_ListObjAppendElement(nullptr, list, Tcl_NewListObj(2, pair));
    }
    Tcl_SetObjResult(interp, list);
    return TCL_OK;
}

const CmdDef kSocketCmds[] = {{"socket", SocketCmd}, {"listenfds", ListenFdsCmd}, {nullptr, nullptr}};

} // namespace

void RegisterSocketCmds(Tcl_Interp* interp) { RegisterCmds(interp, kSocketCmds); }

} // namespace tclcap
