// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-protection: reports what is aimed at the agent itself, so that rules (category
 * `tamper`) can alert on an attacker trying to blind the sensor before acting.
 *
 * Hooks: tp_btf/signal_generate            a signal generated for the agent's thread group
 *        tracepoint/syscalls/sys_enter_ptrace  PTRACE_ATTACH / PTRACE_SEIZE on the agent's pid
 *        tracepoint/syscalls/sys_enter_bpf     BPF_LINK_DETACH / BPF_PROG_DETACH / BPF_LINK_UPDATE
 *                                              by any process other than the agent
 * Emits: struct mamori_tamper on the priority lane. The header and subject are the sender's.
 * Idle while mamori_config.self_tgid is 0 (no agent registered itself).
 * Not covered here: unlink/rename of pins under /sys/fs/bpf/mamori (file.bpf.c reports them as
 *        file events), ptrace of a non-leader agent thread (the pid is compared to the tgid only),
 *        process_vm_writev, /proc/<agent>/mem writes (file events see the open for writing).
 * Verifier bounds: no loops; the only user memory read is 4 bytes of the bpf attr.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"

char LICENSE[] SEC("license") = "GPL";

/* Constants from uapi headers that are macros, not BTF. */
#define TAMPER_SIGINT 2
#define TAMPER_SIGQUIT 3
#define TAMPER_SIGKILL 9
#define TAMPER_SIGTERM 15
#define TAMPER_SIGCHLD 17
#define TAMPER_SIGSTOP 19
#define TAMPER_SIGTSTP 20
#define TAMPER_SIGURG 23
#define TAMPER_SIGWINCH 28
#define TAMPER_SI_KERNEL 0x80
#define TAMPER_PTRACE_ATTACH 16
#define TAMPER_PTRACE_SEIZE 0x4206
#define TAMPER_BPF_PROG_DETACH 9
#define TAMPER_BPF_LINK_UPDATE 29
#define TAMPER_BPF_LINK_DETACH 34

/* A signal that ends or stops the agent without its consent. */
MAMORI_ALWAYS bool tamper_signal_is_fatal(int sig)
{
	return sig == TAMPER_SIGKILL || sig == TAMPER_SIGSTOP || sig == TAMPER_SIGTERM ||
	       sig == TAMPER_SIGINT || sig == TAMPER_SIGQUIT || sig == TAMPER_SIGTSTP;
}

/* Fill and emit one record; the stack copy is small (104 bytes) so no scratch is needed. */
MAMORI_ALWAYS void tamper_emit(struct mamori_config *cfg, struct mamori_tamper *t)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 now = bpf_ktime_get_boot_ns();
	mamori_fill_subject(&t->subj, task);
	mamori_fill_header(&t->hdr, MAMORI_KIND_TAMPER, sizeof(*t), task, now);
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_TAMPER, t, sizeof(*t), now);
}

SEC("tp_btf/signal_generate")
int BPF_PROG(mamori_tamper_signal, int sig, struct kernel_siginfo *info, struct task_struct *target,
	     int group, int result)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_tamper t = {};
	__u32 sender;

	if (!cfg || cfg->self_tgid == 0 || BPF_CORE_READ(target, tgid) != cfg->self_tgid)
		return 0;
	/* Routine notifications: a child of the agent exited, urgent data, a terminal resize. */
	if (sig == TAMPER_SIGCHLD || sig == TAMPER_SIGURG || sig == TAMPER_SIGWINCH)
		return 0;
	sender = bpf_get_current_pid_tgid() >> 32;
	if (sender == cfg->self_tgid && !tamper_signal_is_fatal(sig))
		return 0; /* the agent signalling itself (timers, SIGPIPE, thread wakeups) */

	t.op = MAMORI_TAMPER_SIGNAL;
	t.value = sig;
	t.target_tgid = cfg->self_tgid;
	t.target_pid = BPF_CORE_READ(target, pid);
	/* SEND_SIG_NOINFO (0) is kill(2) from user space, SEND_SIG_PRIV (1) the kernel itself. */
	if ((unsigned long)info > 1)
		t.code = BPF_CORE_READ(info, si_code);
	else
		t.code = (unsigned long)info == 1 ? TAMPER_SI_KERNEL : 0;
	t.result = result;
	tamper_emit(cfg, &t);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_ptrace")
int mamori_tamper_ptrace(struct trace_event_raw_sys_enter *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_tamper t = {};
	long request = ctx->args[0];
	__u32 pid = (__u32)ctx->args[1];

	if (!cfg || cfg->self_tgid == 0 || pid != cfg->self_tgid)
		return 0;
	if (request != TAMPER_PTRACE_ATTACH && request != TAMPER_PTRACE_SEIZE)
		return 0;
	t.op = MAMORI_TAMPER_PTRACE;
	t.value = (__s32)request;
	t.target_tgid = cfg->self_tgid;
	t.target_pid = pid;
	tamper_emit(cfg, &t);
	return 0;
}

/*
 * Id of the BPF link behind link_fd in the current task, 0 if unknown. The file's
 * private_data is only a bpf_link when link_fd names a link; for anything else the id read
 * is meaningless, so userspace compares it with its own link ids and never trusts it alone.
 */
MAMORI_ALWAYS __u64 tamper_link_id(int link_fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *file = mamori_fd_file(task, link_fd);
	struct bpf_link *link;
	if (!file)
		return 0;
	link = BPF_CORE_READ(file, private_data);
	if (!link)
		return 0;
	return BPF_CORE_READ(link, id);
}

SEC("tracepoint/syscalls/sys_enter_bpf")
int mamori_tamper_bpf(struct trace_event_raw_sys_enter *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_tamper t = {};
	int cmd = (int)ctx->args[0];
	__u32 link_fd = 0;

	if (cmd != TAMPER_BPF_LINK_DETACH && cmd != TAMPER_BPF_PROG_DETACH &&
	    cmd != TAMPER_BPF_LINK_UPDATE)
		return 0;
	if (!cfg || cfg->self_tgid == 0 || (bpf_get_current_pid_tgid() >> 32) == cfg->self_tgid)
		return 0;
	t.op = MAMORI_TAMPER_BPF_DETACH;
	t.value = cmd;
	/* link_detach.link_fd and link_update.link_fd are both the attr's first word. */
	if (cmd != TAMPER_BPF_PROG_DETACH &&
	    bpf_probe_read_user(&link_fd, sizeof(link_fd), (void *)ctx->args[1]) == 0)
		t.object_id = tamper_link_id((int)link_fd);
	tamper_emit(cfg, &t);
	return 0;
}
