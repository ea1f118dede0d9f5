#include "capServerChan.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <sys/select.h>
#include <unistd.h>

namespace tclcap {
namespace {

constexpr int kBackoffMs = 10;  // pause after EMFILE and the like

struct Server;

struct Handle {
    Server* server;
    int fd;
};

struct Server {
    Tcl_Interp* interp = nullptr;  // NULL once the interp is deleted
    ObjRef script;
    bool scriptIsList = false;
    std::vector<Listener> listeners;
    std::vector<Handle> handles;  // sized once: file handlers point into it
    Tcl_Channel chan = nullptr;
    Tcl_TimerToken backoff = nullptr;
    bool watching = false;
    bool closed = false;
};

void FreeServer(char* p) { std::unique_ptr<Server> owned(reinterpret_cast<Server*>(p)); }

void AcceptProc(ClientData cd, int mask);

void Watch(Server* s, bool on) {
    if (s->watching == on) return;
    for (auto& h : s->handles) {
        if (on) Tcl_CreateFileHandler(h.fd, TCL_READABLE, AcceptProc, &h);
        else Tcl_DeleteFileHandler(h.fd);
    }
    s->watching = on;
}

void ResumeProc(ClientData cd) {
    Server* s = static_cast<Server*>(cd);
    s->backoff = nullptr;
    if (!s->closed) Watch(s, true);
}

// Out of descriptors or memory: the pending connection stays queued and the
// socket stays readable, so stop watching for a moment instead of spinning.
void Backoff(Server* s) {
    if (s->backoff || s->closed) return;
    Watch(s, false);
    s->backoff = Tcl_CreateTimerHandler(kBackoffMs, ResumeProc, s);
}

Tcl_Obj* BuildCommand(Server* s, Tcl_Channel chan, const std::string& addr, int port) {
    const char* name = Tcl_GetChannelName(chan);
    if (s->scriptIsList) {
        Tcl_Obj* cmd = Tcl_DuplicateObj(s->script.get());
        Tcl_ListObjAppendElement(nullptr, cmd, Tcl_NewStringObj(name, -1));
        Tcl_ListObjAppendElement(nullptr, cmd, NewString(addr));
        Tcl_ListObjAppendElement(nullptr, cmd, Tcl_NewIntObj(port));
        return cmd;
    }
    // Not a list: append as text, the way Tcl's own socket -server does.
    Tcl_Obj* cmd = Tcl_DuplicateObj(s->script.get());
    Tcl_AppendStringsToObj(cmd, " ", name, " ", addr.c_str(), " ",
                           std::to_string(port).c_str(), nullptr);
    return cmd;
}

void Deliver(Server* s, int fd, const sockaddr_storage& peer, socklen_t len) {
    Tcl_Channel chan = Tcl_MakeTcpClientChannel(reinterpret_cast<ClientData>(static_cast<intptr_t>(fd)));
    Tcl_Interp* interp = s->interp;
    if (!chan) {
        close(fd);
        return;
    }
    if (!interp) {
        Tcl_Close(nullptr, chan);
        return;
    }
    std::uint16_t port = 0;
    std::string addr = NumericHost(reinterpret_cast<const sockaddr*>(&peer), len, &port);
    Tcl_Preserve(interp);
    Tcl_RegisterChannel(interp, chan);
    Tcl_RegisterChannel(nullptr, chan);  // keeps chan alive while the script runs
    int code;
    {
        ObjRef cmd(BuildCommand(s, chan, addr, port));
        code = Tcl_EvalObjEx(interp, cmd.get(), TCL_EVAL_GLOBAL);
    }
    if (code != TCL_OK) {
        Tcl_BackgroundException(interp, code);
        Tcl_UnregisterChannel(interp, chan);
    }
    Tcl_UnregisterChannel(nullptr, chan);
    Tcl_Release(interp);
}

void AcceptProc(ClientData cd, int) {
    Handle* h = static_cast<Handle*>(cd);
    Server* s = h->server;
    Tcl_Preserve(s);  // the callback may close the server
    // Everything pending now, not one per event: fewer trips through the loop.
    while (!s->closed) {
        sockaddr_storage peer;
        socklen_t len;
        int fd = AcceptOne(h->fd, peer, len);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
            Backoff(s);  // EMFILE, ENFILE, ENOBUFS, ENOMEM
            break;
        }
        if (fd >= FD_SETSIZE) {
            // Beyond what Tcl 8.6's select() notifier can watch.
            close(fd);
            Backoff(s);
            break;
        }
        Deliver(s, fd, peer, len);
    }
    Tcl_Release(s);
}

void InterpDeleted(ClientData cd, Tcl_Interp*) {
    Server* s = static_cast<Server*>(cd);
    s->interp = nullptr;
    if (s->closed) Tcl_EventuallyFree(s, FreeServer);
}

int Close2(ClientData cd, Tcl_Interp*, int flags) {
    if (flags & (TCL_CLOSE_READ | TCL_CLOSE_WRITE)) return EINVAL;
    Server* s = static_cast<Server*>(cd);
    Watch(s, false);
    if (s->backoff) Tcl_DeleteTimerHandler(s->backoff);
    s->backoff = nullptr;
    s->listeners.clear();  // closes every socket
    s->closed = true;
    // During interp deletion the channel table may go before our deletion
    // callback runs; then the callback frees us (see FIELD-NOTES).
    if (s->interp && Tcl_InterpDeleted(s->interp)) return 0;
    if (s->interp) Tcl_DontCallWhenDeleted(s->interp, InterpDeleted, s);
    s->interp = nullptr;
    Tcl_EventuallyFree(s, FreeServer);
    return 0;
}

int Input(ClientData, char*, int, int* err) {
    *err = ENOTCONN;
    return -1;
}

int Output(ClientData, const char*, int, int* err) {
    *err = ENOTCONN;
    return -1;
}

void WatchProc(ClientData, int) {}  // never readable or writable as a channel

int BlockMode(ClientData, int) { return 0; }

int GetHandle(ClientData cd, int, ClientData* out) {
    Server* s = static_cast<Server*>(cd);
    if (s->listeners.empty()) return TCL_ERROR;
    *out = reinterpret_cast<ClientData>(static_cast<intptr_t>(s->listeners[0].fd.get()));
    return TCL_OK;
}

int GetOption(ClientData cd, Tcl_Interp* interp, const char* name, Tcl_DString* ds) {
    Server* s = static_cast<Server*>(cd);
    bool all = name == nullptr || name[0] == '\0';
    if (!all && std::string(name) != "-sockname")
        return Tcl_BadChannelOption(interp, name, "sockname");
    if (all) {
        Tcl_DStringAppendElement(ds, "-sockname");
        Tcl_DStringStartSublist(ds);
    }
    for (const auto& l : s->listeners) {
        auto sa = reinterpret_cast<const sockaddr*>(&l.addr);
        std::uint16_t port = 0;
        Tcl_DStringAppendElement(ds, NumericHost(sa, l.len, &port).c_str());
        Tcl_DStringAppendElement(ds, HostName(sa, l.len).c_str());
        Tcl_DStringAppendElement(ds, std::to_string(port).c_str());
    }
    if (all) Tcl_DStringEndSublist(ds);
    return TCL_OK;
}

Tcl_ChannelType kServerType = {
    "capserver",
    TCL_CHANNEL_VERSION_5,
#if TCL_MAJOR_VERSION >= 9
    nullptr,
#else
    TCL_CLOSE2PROC,
#endif
    Input,
    Output,
    nullptr,    // seek
    nullptr,    // set option
    GetOption,
    WatchProc,
    GetHandle,
    Close2,
    BlockMode,
    nullptr,    // flush
    nullptr,    // handler
    nullptr,    // wide seek
    nullptr,    // thread action
    nullptr,    // truncate
};

} // namespace

Tcl_Channel CreateServerChannel(Tcl_Interp* interp, Tcl_Obj* script,
                                std::vector<Listener>&& listeners) {
    auto owned = std::make_unique<Server>();
    Server* s = owned.get();
    s->interp = interp;
    s->script = ObjRef(script);
    // Appending list elements equals Tcl's text concatenation only when the
    // script is already in canonical list form (no ';', no comments...).
    Tcl_Size n;
    Tcl_Obj** elems;
    std::string text = Tcl_GetString(script);
    if (Tcl_ListObjGetElements(nullptr, script, &n, &elems) == TCL_OK && n > 0) {
        ObjRef canonical(Tcl_NewListObj(n, elems));
        s->scriptIsList = text == Tcl_GetString(canonical.get());
    }
    s->listeners = std::move(listeners);
    s->handles.reserve(s->listeners.size());
    for (const auto& l : s->listeners) s->handles.push_back(Handle{s, l.fd.get()});
    char name[32];
    std::snprintf(name, sizeof name, "sock%lx", reinterpret_cast<unsigned long>(s));
    s->chan = Tcl_CreateChannel(&kServerType, name, s, 0);
    owned.release();  // Tcl owns it now: freed by Close2 / InterpDeleted
    Tcl_CallWhenDeleted(interp, InterpDeleted, s);
    Tcl_RegisterChannel(interp, s->chan);
    Watch(s, true);
    return s->chan;
}

} // namespace tclcap
