// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-protection: reports what is aimed at the agent itself, so that rules (category
 * `tamper`) can alert on an attacker trying to blind the sensor before acting.
 *
 * Hooks: tp_btf/signal_generate            a signal generated for the agent's thread group
 *        tracepoint/syscalls/sys_enter_ptrace  PTRACE_ATTACH / PTRACE_SEIZE on the agent's pid
 *        tracepoint/syscalls/sys_enter_bpf     BPF_LINK_DETACH / BPF_PROG_DETACH / BPF_LINK_UPDATE
 *                                              by any process other than the agent; map writes
 *                                              (UPDATE/DELETE_ELEM, *_BATCH) on an agent map and
 *                                              *_GET_FD_BY_ID naming an agent object
 *        tracepoint/syscalls/sys_exit_bpf      BPF_OBJ_GET that returned an fd of an agent map
 *                                              or link (a pin opened by path)
 * Emits: struct mamori_tamper on the priority lane. The header and subject are the sender's.
 * Idle while mamori_config.self_tgid is 0 (no agent registered itself).
 * Not covered here: unlink/rename of pins under /sys/fs/bpf/mamori (file.bpf.c reports them as
 *        file events), ptrace of a non-leader agent thread (the pid is compared to the tgid only),
 *        process_vm_writev, /proc/<agent>/mem writes (file events see the open for writing).
 * "An agent object" is a (type, id) in mamori_own_objects, which the agent fills after attach.
 * Verifier bounds: no loops; user memory reads are 4 bytes of the bpf attr.
 * Cost: every bpf(2) call on the host passes the cmd switch; only OBJ_GET by another process
 *        touches the pending map (one update at enter, one lookup+delete at exit).
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
#define TAMPER_BPF_MAP_UPDATE_ELEM 2
#define TAMPER_BPF_MAP_DELETE_ELEM 3
#define TAMPER_BPF_OBJ_GET 7
#define TAMPER_BPF_PROG_GET_FD_BY_ID 13
#define TAMPER_BPF_MAP_GET_FD_BY_ID 14
#define TAMPER_BPF_MAP_LOOKUP_AND_DELETE_ELEM 21
#define TAMPER_BPF_MAP_LOOKUP_AND_DELETE_BATCH 25
#define TAMPER_BPF_MAP_UPDATE_BATCH 26
#define TAMPER_BPF_MAP_DELETE_BATCH 27
#define TAMPER_BPF_LINK_GET_FD_BY_ID 30
/* Offset of map_fd in the batch ops' attr (in_batch, out_batch, keys, values: 4 × u64; count). */
#define TAMPER_BATCH_MAP_FD_OFFSET 36
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

/* The agent's own maps, programs and links (written by the agent after attach). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct mamori_obj_key);
	__type(value, __u8);
} mamori_own_objects SEC(".maps");

/* BPF_OBJ_GET calls by other processes between sys_enter and sys_exit, by pid_tgid. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u32);
} mamori_bpf_pending SEC(".maps");

MAMORI_ALWAYS bool tamper_is_own(__u32 type, __u32 id)
{
	struct mamori_obj_key key = {.type = type, .id = id};
	return id != 0 && bpf_map_lookup_elem(&mamori_own_objects, &key) != NULL;
}

/* private_data of the file behind `fd` in the current task, NULL if none. */
MAMORI_ALWAYS void *tamper_fd_object(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *file = mamori_fd_file(task, fd);
	return file ? BPF_CORE_READ(file, private_data) : NULL;
}

/* Id of the map behind `fd` (0 unknown). The bpf(2) map commands fail unless fd is a map, so
 * for them the read is the map's own id; for anything else it is compared, never trusted. */
MAMORI_ALWAYS __u32 tamper_map_id(int fd)
{
	struct bpf_map *map = tamper_fd_object(fd);
	return map ? BPF_CORE_READ(map, id) : 0;
}

MAMORI_ALWAYS void tamper_emit_object(struct mamori_config *cfg, __u16 op, int cmd, __u32 type, __u32 id)
{
	struct mamori_tamper t = {};
	t.op = op;
	t.value = cmd;
	t.target_tgid = cfg->self_tgid;
	t.code = (__s32)type;
	t.object_id = id;
	tamper_emit(cfg, &t);
}

/* Map writes and GET_FD_BY_ID aimed at the agent's objects. Returns 1 when cmd was one of them. */
MAMORI_ALWAYS int tamper_bpf_objects(struct mamori_config *cfg, int cmd, void *attr)
{
	__u32 word = 0;
	__u32 type = 0;
	switch (cmd) {
	case TAMPER_BPF_MAP_UPDATE_ELEM:
	case TAMPER_BPF_MAP_DELETE_ELEM:
	case TAMPER_BPF_MAP_LOOKUP_AND_DELETE_ELEM:
		if (bpf_probe_read_user(&word, sizeof(word), attr) == 0) {
			__u32 id = tamper_map_id((int)word);
			if (tamper_is_own(MAMORI_OBJ_MAP, id))
				tamper_emit_object(cfg, MAMORI_TAMPER_BPF_MAP_WRITE, cmd, MAMORI_OBJ_MAP, id);
		}
		return 1;
	case TAMPER_BPF_MAP_UPDATE_BATCH:
	case TAMPER_BPF_MAP_DELETE_BATCH:
	case TAMPER_BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		if (bpf_probe_read_user(&word, sizeof(word), attr + TAMPER_BATCH_MAP_FD_OFFSET) == 0) {
			__u32 id = tamper_map_id((int)word);
			if (tamper_is_own(MAMORI_OBJ_MAP, id))
				tamper_emit_object(cfg, MAMORI_TAMPER_BPF_MAP_WRITE, cmd, MAMORI_OBJ_MAP, id);
		}
		return 1;
	case TAMPER_BPF_MAP_GET_FD_BY_ID: type = MAMORI_OBJ_MAP; break;
	case TAMPER_BPF_PROG_GET_FD_BY_ID: type = MAMORI_OBJ_PROG; break;
	case TAMPER_BPF_LINK_GET_FD_BY_ID: type = MAMORI_OBJ_LINK; break;
	case TAMPER_BPF_OBJ_GET: {
		__u64 key = bpf_get_current_pid_tgid();
		__u32 c = (__u32)cmd;
		bpf_map_update_elem(&mamori_bpf_pending, &key, &c, BPF_ANY);
		return 1;
	}
	default:
		return 0;
	}
	/* map_id / prog_id / link_id: the attr's first word. */
	if (bpf_probe_read_user(&word, sizeof(word), attr) == 0 && tamper_is_own(type, word))
		tamper_emit_object(cfg, MAMORI_TAMPER_BPF_OBJ_GET, cmd, type, word);
	return 1;
}

SEC("tracepoint/syscalls/sys_enter_bpf")
int mamori_tamper_bpf(struct trace_event_raw_sys_enter *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_tamper t = {};
	int cmd = (int)ctx->args[0];
	__u32 link_fd = 0;

	if (!cfg || cfg->self_tgid == 0 || (bpf_get_current_pid_tgid() >> 32) == cfg->self_tgid)
		return 0;
	if (tamper_bpf_objects(cfg, cmd, (void *)ctx->args[1]))
		return 0;
	if (cmd != TAMPER_BPF_LINK_DETACH && cmd != TAMPER_BPF_PROG_DETACH &&
	    cmd != TAMPER_BPF_LINK_UPDATE)
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

/*
 * BPF_OBJ_GET by another process: the path is the caller's (relative, through any bind mount),
 * so the fd it returned is what counts. A pinned object is a map or a link; the fd's object is
 * read as either and reported when the id is one of the agent's of that type (the type of an
 * fd is not checked, so a foreign object whose bytes at the other type's id offset equal one of
 * our ids would be reported too: a false alarm, never a miss).
 */
SEC("tracepoint/syscalls/sys_exit_bpf")
int mamori_tamper_bpf_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg;
	__u64 key = bpf_get_current_pid_tgid();
	__u32 *cmd = bpf_map_lookup_elem(&mamori_bpf_pending, &key);
	void *object;
	__u32 id;

	if (!cmd)
		return 0;
	bpf_map_delete_elem(&mamori_bpf_pending, &key);
	cfg = mamori_config();
	if (!cfg || cfg->self_tgid == 0 || ctx->ret < 0)
		return 0;
	object = tamper_fd_object((int)ctx->ret);
	if (!object)
		return 0;
	id = BPF_CORE_READ((struct bpf_map *)object, id);
	if (tamper_is_own(MAMORI_OBJ_MAP, id)) {
		tamper_emit_object(cfg, MAMORI_TAMPER_BPF_OBJ_GET, TAMPER_BPF_OBJ_GET, MAMORI_OBJ_MAP, id);
		return 0;
	}
	id = BPF_CORE_READ((struct bpf_link *)object, id);
	if (tamper_is_own(MAMORI_OBJ_LINK, id))
		tamper_emit_object(cfg, MAMORI_TAMPER_BPF_OBJ_GET, TAMPER_BPF_OBJ_GET, MAMORI_OBJ_LINK, id);
	return 0;
}
