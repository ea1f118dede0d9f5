// Test-only fault injection, LD_PRELOADed into a child tclsh: starts one
// thread that blocks every signal and sleeps, so a change cannot reach it.
// The package must then report CAP THREADS naming it, not succeed.
#include <csignal>
#include <pthread.h>
#include <unistd.h>

namespace {

void* Sleeper(void*) {
    for (;;) pause();
    return nullptr;
}

__attribute__((constructor)) void StartDeafThread() {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);  // the new thread inherits this mask
    pthread_t t;
    if (pthread_create(&t, nullptr, Sleeper, nullptr) == 0) pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

} // namespace
