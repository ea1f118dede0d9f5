// A plain tclsh (Tcl_Main + Tcl_Init), built only for the sanitizer run:
// linked with -fsanitize=address,undefined, it carries the sanitizer
// runtime first in its own load order, so it works where LD_PRELOAD cannot:
// in the secure-exec mode of a copy given file capabilities.
#include <tcl.h>

static int AppInit(Tcl_Interp* interp) {
    if (Tcl_Init(interp) != TCL_OK) return TCL_ERROR;
    Tcl_SetVar(interp, "tcl_rcFileName", "~/.tclshrc", TCL_GLOBAL_ONLY);
    return TCL_OK;
}

int main(int argc, char** argv) {
    Tcl_Main(argc, argv, AppInit);
    return 0;
}
