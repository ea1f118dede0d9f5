#include "capProcStatus.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <memory>
#include <sstream>

namespace tclcap {
namespace {

struct FileClose {
    void operator()(FILE* f) const noexcept { std::fclose(f); }
};
struct DirClose {
    void operator()(DIR* d) const noexcept { closedir(d); }
};

std::string ProcDir(pid_t pid) {
    return pid == 0 ? std::string("/proc/self") : "/proc/" + std::to_string(pid);
}

void ParseIds(const char* s, unsigned long (&ids)[4]) {
    std::istringstream in(s);
    for (auto& id : ids) in >> id;
}

int ParseStatusFile(const std::string& path, pid_t tid, TaskStatus& out) {
    std::unique_ptr<FILE, FileClose> f(std::fopen(path.c_str(), "re"));
    if (!f) return errno;
    out = TaskStatus{};
    out.tid = tid;
    // Whole file first: a Groups line can be longer than any fixed buffer.
    std::string text;
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0) text.append(chunk, n);
    if (std::ferror(f.get())) return EIO;
    std::istringstream lines(text);
    std::string lineText;
    while (std::getline(lines, lineText)) {
        std::string::size_type colon = lineText.find(':');
        if (colon == std::string::npos) continue;
        lineText[colon] = '\0';
        const char* key = lineText.c_str();
        const char* val = key + colon + 1;
        auto hex = [&] { return std::strtoull(val, nullptr, 16); };
        if (!std::strcmp(key, "Uid")) ParseIds(val, out.uid);
        else if (!std::strcmp(key, "Gid")) ParseIds(val, out.gid);
        else if (!std::strcmp(key, "Groups")) {
            std::istringstream in(val);
            unsigned long g;
            while (in >> g) out.groups.push_back(g);
        }
        else if (!std::strcmp(key, "CapInh")) out.inheritable = hex();
        else if (!std::strcmp(key, "CapPrm")) out.permitted = hex();
        else if (!std::strcmp(key, "CapEff")) out.effective = hex();
        else if (!std::strcmp(key, "CapBnd")) out.bounding = hex();
        else if (!std::strcmp(key, "CapAmb")) out.ambient = hex();
        else if (!std::strcmp(key, "NoNewPrivs")) out.noNewPrivs = std::atoi(val);
        else if (!std::strcmp(key, "Pid") && tid == 0) out.tid = std::atoi(val);
    }
    return 0;
}

} // namespace

bool TaskStatus::SameCredentials(const TaskStatus& o) const {
    for (int i = 0; i < 4; ++i)
        if (uid[i] != o.uid[i] || gid[i] != o.gid[i]) return false;
    return groups == o.groups && inheritable == o.inheritable &&
           permitted == o.permitted && effective == o.effective &&
           bounding == o.bounding && ambient == o.ambient &&
           noNewPrivs == o.noNewPrivs;
}

int ListTasks(pid_t pid, std::vector<pid_t>& tids) {
    tids.clear();
    std::unique_ptr<DIR, DirClose> dir(opendir((ProcDir(pid) + "/task").c_str()));
    if (!dir) return errno;
    while (dirent* e = readdir(dir.get())) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        tids.push_back(static_cast<pid_t>(std::atoi(e->d_name)));
    }
    return 0;
}

int ReadTaskStatus(pid_t pid, pid_t tid, TaskStatus& out) {
    return ParseStatusFile(ProcDir(pid) + "/task/" + std::to_string(tid) + "/status",
                           tid, out);
}

int ReadAllTaskStatus(pid_t pid, std::vector<TaskStatus>& out) {
    out.clear();
    std::vector<pid_t> tids;
    if (int err = ListTasks(pid, tids)) return err;
    for (pid_t tid : tids) {
        TaskStatus st;
        int err = ReadTaskStatus(pid, tid, st);
        if (err == ENOENT || err == ESRCH) continue;  // exited meanwhile
        if (err) return err;
        out.push_back(std::move(st));
    }
    return 0;
}

int ReadProcessStatus(pid_t pid, TaskStatus& out) {
    return ParseStatusFile(ProcDir(pid) + "/status", 0, out);
}

} // namespace tclcap

#include <sys/syscall.h>
#include <unistd.h>

namespace tclcap {
int ReadOwnThreadStatus(TaskStatus& out) {
    pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
    return ParseStatusFile("/proc/thread-self/status", tid, out);
}
} // namespace tclcap
