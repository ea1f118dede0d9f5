// What the kernel reports about a task in /proc/<pid>/task/<tid>/status:
// the ground truth every change is verified against.
#ifndef TCLCAP_PROC_STATUS_H
#define TCLCAP_PROC_STATUS_H

#include "capMasks.h"

#include <string>
#include <sys/types.h>
#include <vector>

namespace tclcap {

struct TaskStatus {
    pid_t tid = 0;
    unsigned long uid[4] = {};  // real, effective, saved, filesystem
    unsigned long gid[4] = {};
    std::vector<unsigned long> groups;
    CapMask inheritable = 0, permitted = 0, effective = 0, bounding = 0, ambient = 0;
    int noNewPrivs = 0;

    // Credentials and capabilities equal (tid aside).
    bool SameCredentials(const TaskStatus& o) const;
};

// The thread ids of a process; pid 0 means this process.
int ListTasks(pid_t pid, std::vector<pid_t>& tids);
// One task's status; pid 0 means this process.
int ReadTaskStatus(pid_t pid, pid_t tid, TaskStatus& out);
// Every task of a process, in /proc order. Tasks that exit meanwhile are
// left out.
int ReadAllTaskStatus(pid_t pid, std::vector<TaskStatus>& out);
// The process-level status file /proc/<pid>/status.
int ReadProcessStatus(pid_t pid, TaskStatus& out);

} // namespace tclcap

#endif

namespace tclcap {
// The calling thread's own status (/proc/thread-self/status).
int ReadOwnThreadStatus(TaskStatus& out);
} // namespace tclcap
