#include "capAllThreads.h"

#include "capProcStatus.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <ctime>
#include <memory>
#include <mutex>
#include <semaphore.h>
#include <set>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tclcap {
namespace {

struct Slot {
    pid_t tid = 0;
    std::atomic<int> claimed{0};
    std::atomic<int> done{0};
    StepResult result;
    int securebits = -1;
};

// One round: the op and the threads signalled. Published to the handler
// through an atomic pointer; it outlives any handler that may still run.
struct Round {
    ThreadOp op;                 // a copy: a late handler must not see freed memory
    std::vector<gid_t> groups;
    std::unique_ptr<Slot[]> slots;
    std::size_t count = 0;
    sem_t sem;
};

std::mutex gBroadcastMutex;          // one broadcast at a time
std::atomic<Round*> gRound{nullptr};
std::atomic<int> gInHandler{0};
int gSignal = 0;

pid_t Gettid() noexcept { return static_cast<pid_t>(syscall(SYS_gettid)); }

void Handler(int, siginfo_t* info, void*) {
    int savedErrno = errno;
    gInHandler.fetch_add(1);
    // Only our own tgkill counts; anything else sending this signal is ignored.
    Round* round = gRound.load(std::memory_order_acquire);
    if (round && info && info->si_code == SI_TKILL && info->si_pid == getpid()) {
        pid_t me = Gettid();
        for (std::size_t i = 0; i < round->count; ++i) {
            Slot& s = round->slots[i];
            if (s.tid != me) continue;
            int expected = 0;
            if (!s.claimed.compare_exchange_strong(expected, 1)) break;
            s.result = RunThreadOp(round->op);
            s.securebits = static_cast<int>(syscall(SYS_prctl, PR_GET_SECUREBITS, 0, 0, 0, 0));
            s.done.store(1, std::memory_order_release);
            sem_post(&round->sem);
            break;
        }
    }
    gInHandler.fetch_sub(1);
    errno = savedErrno;
}

// Picks a real-time signal nobody else handles and installs the handler for
// good: a late signal must never meet the default action (terminate).
int InstallHandler() {
    if (gSignal) return 0;
    for (int sig = SIGRTMAX - 1; sig > SIGRTMIN + 2; --sig) {
        struct sigaction old {};
        if (sigaction(sig, nullptr, &old) != 0) continue;
        if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler != SIG_DFL) continue;
        if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction != nullptr) continue;
        struct sigaction sa {};
        sa.sa_sigaction = Handler;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigfillset(&sa.sa_mask);
        if (sigaction(sig, &sa, nullptr) != 0) return errno;
        gSignal = sig;
        return 0;
    }
    return EAGAIN;
}

bool TaskExists(pid_t tid) {
    struct stat st;
    return stat(("/proc/self/task/" + std::to_string(tid)).c_str(), &st) == 0;
}

// Signals every thread in tids and waits until each has run the op or is
// gone. Returns 0, or ETIMEDOUT if some thread never answered.
int RunRound(const ThreadOp& op, const std::vector<pid_t>& tids,
             std::vector<ThreadOutcome>& out) {
    // Deliberately leaked if a thread never answers: its handler may still
    // run later and must find valid memory.
    auto round = std::make_unique<Round>();
    round->op = op;
    if (op.setGroups && op.ngroups) {
        round->groups.assign(op.groups, op.groups + op.ngroups);
        round->op.groups = round->groups.data();
    }
    round->count = tids.size();
    round->slots = std::make_unique<Slot[]>(tids.size());
    for (std::size_t i = 0; i < tids.size(); ++i) round->slots[i].tid = tids[i];
    sem_init(&round->sem, 0, 0);
    gRound.store(round.get(), std::memory_order_release);

    pid_t pid = getpid();
    std::vector<bool> gone(tids.size(), false);
    for (std::size_t i = 0; i < tids.size(); ++i) {
        if (syscall(SYS_tgkill, pid, tids[i], gSignal) != 0) gone[i] = true;  // ESRCH
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    for (;;) {
        bool pending = false;
        for (std::size_t i = 0; i < tids.size(); ++i) {
            if (gone[i] || round->slots[i].done.load(std::memory_order_acquire)) continue;
            if (!TaskExists(tids[i])) { gone[i] = true; continue; }
            pending = true;
        }
        if (!pending) break;
        if (std::chrono::steady_clock::now() > deadline) { status = ETIMEDOUT; break; }
        timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec += 1; ts.tv_nsec -= 1000000000L; }
        while (sem_timedwait(&round->sem, &ts) != 0 && errno == EINTR) {}
    }
    gRound.store(nullptr, std::memory_order_release);
    for (std::size_t i = 0; i < tids.size(); ++i) {
        Slot& s = round->slots[i];
        if (gone[i] && !s.done.load()) continue;
        ThreadOutcome o;
        o.tid = s.tid;
        o.responded = s.done.load(std::memory_order_acquire) != 0;
        if (o.responded) {
            o.result = s.result;
            o.securebits = s.securebits;
        }
        out.push_back(o);
    }
    // Wait for handlers that loaded the round pointer but have not left yet.
    for (int i = 0; i < 1000 && gInHandler.load() != 0; ++i)
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    if (status == 0 && gInHandler.load() == 0) {
        sem_destroy(&round->sem);
    } else {
        round.release();
    }
    return status;
}

} // namespace

int BroadcastSignal() { return gSignal; }

BroadcastReport RunInAllThreads(const ThreadOp& op) {
    std::lock_guard<std::mutex> lock(gBroadcastMutex);
    BroadcastReport report;
    if ((report.err = InstallHandler())) return report;

    pid_t self = Gettid();
    ThreadOutcome mine;
    mine.tid = self;
    mine.responded = true;
    mine.result = RunThreadOp(op);
    mine.securebits = static_cast<int>(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
    report.threads.push_back(mine);
    if (mine.result.err) return report;

    std::set<pid_t> handled{self};
    for (int pass = 0; pass < 16; ++pass) {
        std::vector<pid_t> tids;
        if ((report.err = ListTasks(0, tids))) return report;
        std::vector<pid_t> todo;
        for (pid_t t : tids)
            if (!handled.count(t)) todo.push_back(t);
        if (todo.empty()) return report;
        handled.insert(todo.begin(), todo.end());
        if ((report.err = RunRound(op, todo, report.threads))) return report;
    }
    // Threads kept appearing faster than we could reach them.
    report.err = EAGAIN;
    return report;
}

} // namespace tclcap
