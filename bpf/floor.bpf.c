// SPDX-License-Identifier: GPL-2.0-only
/*
 * The benchmark floor: every hook point of process.bpf.c, network.bpf.c and file.bpf.c with a
 * body that only returns (cgroup sendmsg programs return 1: allow). Attached by
 * `mamori bench` in its "floor" mode to measure the cost of being hooked at all (tracepoint
 * dispatch, BPF entry/exit), separately from what Mamori's programs do inside the hook.
 *
 * Keep the SEC() list in step with the three program files: a hook added there belongs here.
 * No maps, no helpers; built into its own skeleton (floor.skel.h, name mamori_floor).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define FLOOR_TP(sec, name) \
	SEC("tracepoint/syscalls/" #sec) int floor_##name(void *ctx) { return 0; }

/* process.bpf.c */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(floor_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm) { return 0; }
SEC("tp_btf/sched_process_fork")
int BPF_PROG(floor_fork, struct task_struct *parent, struct task_struct *child) { return 0; }
SEC("tp_btf/sched_process_exit")
int BPF_PROG(floor_exit, struct task_struct *task) { return 0; }

/* network.bpf.c */
FLOOR_TP(sys_enter_connect, connect_enter)
FLOOR_TP(sys_exit_connect, connect_exit)
FLOOR_TP(sys_exit_accept, accept_exit)
FLOOR_TP(sys_exit_accept4, accept4_exit)
FLOOR_TP(sys_enter_listen, listen_enter)
FLOOR_TP(sys_exit_listen, listen_exit)
SEC("cgroup/sendmsg4")
int floor_sendmsg4(struct bpf_sock_addr *ctx) { return 1; }
SEC("cgroup/sendmsg6")
int floor_sendmsg6(struct bpf_sock_addr *ctx) { return 1; }

/* file.bpf.c: open family */
FLOOR_TP(sys_enter_openat, openat_enter)
FLOOR_TP(sys_enter_open, open_enter)
FLOOR_TP(sys_enter_creat, creat_enter)
FLOOR_TP(sys_enter_openat2, openat2_enter)
FLOOR_TP(sys_exit_openat, openat_exit)
FLOOR_TP(sys_exit_openat2, openat2_exit)
FLOOR_TP(sys_exit_open, open_exit)
FLOOR_TP(sys_exit_creat, creat_exit)

/* file.bpf.c: path operations, enter and exit */
#define FLOOR_PATH(name) \
	FLOOR_TP(sys_enter_##name, name##_enter) \
	FLOOR_TP(sys_exit_##name, name##_exit)
FLOOR_PATH(rename)
FLOOR_PATH(renameat)
FLOOR_PATH(renameat2)
FLOOR_PATH(unlink)
FLOOR_PATH(unlinkat)
FLOOR_PATH(chmod)
FLOOR_PATH(fchmodat)
FLOOR_PATH(fchmodat2)
FLOOR_PATH(fchmod)
FLOOR_PATH(chown)
FLOOR_PATH(lchown)
FLOOR_PATH(fchownat)
FLOOR_PATH(fchown)
FLOOR_PATH(truncate)
