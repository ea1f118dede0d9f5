// The server channel of cap::socket: one Tcl channel holding any number of
// listening sockets, accepting into ordinary Tcl TCP channels.
#ifndef TCLCAP_SERVER_CHAN_H
#define TCLCAP_SERVER_CHAN_H

#include "capTcl.h"
#include "../unix/capSocket.h"

#include <vector>

namespace tclcap {

// Takes ownership of the listeners, registers the channel in interp and
// starts accepting. Each connection calls script at global level with
// "chan addr port" appended.
Tcl_Channel CreateServerChannel(Tcl_Interp* interp, Tcl_Obj* script,
                                std::vector<Listener>&& listeners);

} // namespace tclcap

#endif
