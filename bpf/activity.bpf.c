// SPDX-License-Identifier: GPL-2.0-only
/*
 * Activity aimed at other processes and at kernel state, by any process: ptrace attach/seize/
 * poke, process_vm_readv/writev, memfd_create, utimensat (futimens), mount, move_mount,
 * init_module/finit_module, set*uid/set*gid, capset, kill/tkill/tgkill/pidfd_send_signal, unshare
 * and setns (namespace changes: a container escape joins the host's). (Opens on /proc are
 * reported from file.bpf.c through lib/procfs.h; tamper.bpf.c keeps its agent-specific view.)
 *
 * Hooks: syscall tracepoints. Enter saves the arguments (and, for set*id/capset, the old
 * credentials) in a per-thread pending entry; exit adds the result and emits.
 * Emits: struct mamori_activity, priority lane (utimensat: bulk — tar and rsync restore times
 *   on every file they write).
 * Filters in the kernel: the agent and muted processes; kill/tkill/tgkill aimed at the
 *   sender's own thread group and the notification signals SIGCHLD, SIGURG, SIGWINCH (Go's
 *   runtime preempts its own threads with tgkill(SIGURG) many times a second); ptrace requests
 *   other than ATTACH/SEIZE/POKE*.
 * Cost: each hooked syscall pays one hash update at enter and a lookup, ring copy and delete at
 *   exit; no other syscall is touched (docs/kernel.md "Activity").
 * Bounds: user strings are copied with bounded helpers (names 256 bytes, paths MAMORI_PATH_MAX);
 *   path resolution as in file.bpf.c.
 * Known gaps: legacy utimes/utime/futimesat, fsmount (move_mount reports the attach), setfsuid,
 *   io_uring; the module name (only finit_module's file path is known).
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/path.h"

char LICENSE[] SEC("license") = "GPL";

#define ACT_DATA_OFF sizeof(struct mamori_activity)
#define ACT_NAME_MAX 256 /* memfd name (249), mount source, module parameters: cut at this */

#define SIG_CHLD 17
#define SIG_URG 23
#define SIG_WINCH 28
#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSR 6
#define PTRACE_ATTACH 16
#define PTRACE_SEIZE 0x4206

/* How the exit resolves the saved user pointers. */
enum act_strings {
	ACT_STR_NONE = 0,
	ACT_STR_NAME = 1,    /* path = user string uptr1 (memfd name) */
	ACT_STR_AT = 2,      /* path = (dirfd1, uptr1) resolved, or fd dirfd1 when uptr1 == 0 */
	ACT_STR_MOUNT = 3,   /* path = (AT_FDCWD, uptr1), path2 = user string uptr2, name = uptr3 */
	ACT_STR_MOVE = 4,    /* path = (dirfd2, uptr2), path2 = user string uptr1 */
	ACT_STR_MODULE = 5,  /* path = fd dirfd1 (finit) , path2 = user string uptr2 */
};

struct act_pending {
	struct mamori_activity a;
	__u64 uptr1, uptr2, uptr3;
	__s32 dirfd1, dirfd2;
	__u32 strings;       /* enum act_strings */
	__u32 lane;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct act_pending);
} mamori_act_pending SEC(".maps");

/* A zeroed pending entry for the current thread, or NULL (agent, muted, no config). */
MAMORI_ALWAYS struct act_pending *act_begin(__u16 op)
{
	struct mamori_config *cfg = mamori_config();
	__u64 id = bpf_get_current_pid_tgid();
	struct act_pending *p;
	__u32 zero = 0;
	if (!cfg || mamori_is_muted(cfg, id >> 32))
		return NULL;
	/* Start from a zeroed per-CPU scratch copy so no stack budget is spent on the value. */
	p = bpf_map_lookup_elem(&mamori_scratch_map, &zero);
	if (!p)
		return NULL;
	__builtin_memset(p, 0, sizeof(*p));
	p->a.op = op;
	p->a.target_uid = 0xffffffff;
	return p;
}

MAMORI_ALWAYS int act_save(struct act_pending *p)
{
	__u64 id = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&mamori_act_pending, &id, p, BPF_ANY);
	return 0;
}

/* Bounded user string into dst; returns its length without the NUL. */
MAMORI_ALWAYS __u32 act_user_str(char *dst, __u64 uptr)
{
	if (!uptr)
		return 0;
	long n = bpf_probe_read_user_str(dst, ACT_NAME_MAX, (const void *)uptr);
	return n > 1 ? ((__u32)n - 1) & (ACT_NAME_MAX - 1) : 0;
}

/* Path of the file behind fd in the current task into dst. */
MAMORI_ALWAYS __u32 act_fd_path(char *dst, struct task_struct *task, int fd, bool *cut)
{
	struct file *file = mamori_fd_file(task, fd);
	if (!file)
		return 0;
	struct path *fp = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
	return mamori_copy_path(dst, fp, cut) & MAMORI_PATH_MASK;
}

/* Exit of every hooked syscall: add the result, resolve strings, emit. */
MAMORI_ALWAYS int act_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg = mamori_config();
	__u64 id = bpf_get_current_pid_tgid();
	struct act_pending *p = bpf_map_lookup_elem(&mamori_act_pending, &id);
	struct task_struct *task;
	struct mamori_activity *a;
	bool cut = false, rel = false;
	__u32 len = 0, len2 = 0;
	long ret = ctx->ret;

	barrier_var(ret);
	if (!p)
		return 0;
	if (!cfg)
		goto out;
	a = mamori_scratch();
	if (!a)
		goto out;
	task = (struct task_struct *)bpf_get_current_task();
	__builtin_memcpy(a, &p->a, sizeof(*a));
	a->result = (__s32)ret;
	char *data = (char *)a + ACT_DATA_OFF;
	switch (p->strings) {
	case ACT_STR_NAME:
		len = act_user_str(data, p->uptr1);
		break;
	case ACT_STR_AT:
		if (p->uptr1)
			len = mamori_copy_at_path(data, task, p->dirfd1, (const char *)p->uptr1, &cut, &rel);
		else
			len = act_fd_path(data, task, p->dirfd1, &cut);
		break;
	case ACT_STR_MOUNT:
		len = mamori_copy_at_path(data, task, MAMORI_AT_FDCWD, (const char *)p->uptr1, &cut, &rel);
		if (p->uptr3)
			bpf_probe_read_user_str(a->name, sizeof(a->name), (const void *)p->uptr3);
		break;
	case ACT_STR_MOVE:
		len = mamori_copy_at_path(data, task, p->dirfd2, (const char *)p->uptr2, &cut, &rel);
		break;
	case ACT_STR_MODULE:
		if (p->a.arg[1])
			len = act_fd_path(data, task, p->dirfd1, &cut);
		break;
	}
	len &= MAMORI_PATH_MASK;
	if (p->strings == ACT_STR_MOUNT || p->strings == ACT_STR_MODULE)
		len2 = act_user_str(&data[len], p->uptr2);
	else if (p->strings == ACT_STR_MOVE)
		len2 = act_user_str(&data[len], p->uptr1);
	a->path_len = len;
	a->path2_len = len2;
	if (cut)
		a->flags |= MAMORI_ACT_F_PATH_TRUNCATED;
	if (rel)
		a->flags |= MAMORI_ACT_F_PATH_RELATIVE;
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 size = ACT_DATA_OFF + len + (len2 & (ACT_NAME_MAX - 1));
	mamori_fill_subject(&a->subj, task);
	mamori_fill_header(&a->hdr, MAMORI_KIND_ACTIVITY, size, task, now);
	mamori_output(cfg, p->lane ? MAMORI_LANE_BULK : MAMORI_LANE_PRIORITY, MAMORI_KIND_ACTIVITY, a, size, now);
out:
	bpf_map_delete_elem(&mamori_act_pending, &id);
	return 0;
}

#define ACT_EXIT(name) \
	SEC("tracepoint/syscalls/sys_exit_" #name) \
	int mamori_act_##name##_exit(struct trace_event_raw_sys_exit *ctx) { return act_exit(ctx); }

/* ---------- other processes: ptrace, process_vm_*, kill ---------- */

SEC("tracepoint/syscalls/sys_enter_ptrace")
int mamori_act_ptrace_enter(struct trace_event_raw_sys_enter *ctx)
{
	long req = ctx->args[0];
	if (req != PTRACE_ATTACH && req != PTRACE_SEIZE && req != PTRACE_POKETEXT &&
	    req != PTRACE_POKEDATA && req != PTRACE_POKEUSR)
		return 0;
	struct act_pending *p = act_begin(MAMORI_ACT_PTRACE);
	if (!p)
		return 0;
	p->a.value = (__s32)req;
	p->a.target_pid = (__s32)ctx->args[1];
	p->a.arg[0] = ctx->args[2];
	p->a.arg[1] = ctx->args[3];
	return act_save(p);
}
ACT_EXIT(ptrace)

MAMORI_ALWAYS int act_vm(struct trace_event_raw_sys_enter *ctx, __u16 op)
{
	struct act_pending *p = act_begin(op);
	if (!p)
		return 0;
	p->a.target_pid = (__s32)ctx->args[0];
	p->a.arg[0] = ctx->args[2];
	p->a.arg[1] = ctx->args[4];
	if ((__u32)p->a.target_pid == (__u32)(bpf_get_current_pid_tgid() >> 32))
		p->a.flags |= MAMORI_ACT_F_SELF;
	return act_save(p);
}
SEC("tracepoint/syscalls/sys_enter_process_vm_readv")
int mamori_act_vm_readv_enter(struct trace_event_raw_sys_enter *ctx) { return act_vm(ctx, MAMORI_ACT_VM_READ); }
SEC("tracepoint/syscalls/sys_enter_process_vm_writev")
int mamori_act_vm_writev_enter(struct trace_event_raw_sys_enter *ctx) { return act_vm(ctx, MAMORI_ACT_VM_WRITE); }
ACT_EXIT(process_vm_readv)
ACT_EXIT(process_vm_writev)

MAMORI_ALWAYS int act_kill(__s32 tgid, __s32 pid, int sig, __u32 variant)
{
	__u32 self = bpf_get_current_pid_tgid() >> 32;
	/* Signals within the sender's own thread group and routine notifications are noise. */
	if (sig == SIG_CHLD || sig == SIG_URG || sig == SIG_WINCH)
		return 0;
	if ((variant == MAMORI_KILL_TGKILL && (__u32)tgid == self) ||
	    ((variant == MAMORI_KILL_KILL || variant == MAMORI_KILL_PIDFD) && (__u32)pid == self))
		return 0;
	struct act_pending *p = act_begin(MAMORI_ACT_KILL);
	if (!p)
		return 0;
	p->a.value = sig;
	p->a.target_pid = pid;
	p->a.arg[0] = (__u32)tgid;
	p->a.arg[1] = variant;
	return act_save(p);
}
SEC("tracepoint/syscalls/sys_enter_kill")
int mamori_act_kill_enter(struct trace_event_raw_sys_enter *ctx)
{ return act_kill(0, (__s32)ctx->args[0], (int)ctx->args[1], MAMORI_KILL_KILL); }
SEC("tracepoint/syscalls/sys_enter_tkill")
int mamori_act_tkill_enter(struct trace_event_raw_sys_enter *ctx)
{ return act_kill(0, (__s32)ctx->args[0], (int)ctx->args[1], MAMORI_KILL_TKILL); }
SEC("tracepoint/syscalls/sys_enter_tgkill")
int mamori_act_tgkill_enter(struct trace_event_raw_sys_enter *ctx)
{ return act_kill((__s32)ctx->args[0], (__s32)ctx->args[1], (int)ctx->args[2], MAMORI_KILL_TGKILL); }
/* pidfd_send_signal (psmisc's killall, systemd): the target is the pid behind the pidfd
 * (its struct pid: see below). */
SEC("tracepoint/syscalls/sys_enter_pidfd_send_signal")
int mamori_act_pidfd_signal_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *file = mamori_fd_file(task, (int)ctx->args[0]);
	/* The fd is a pidfd (pidfs, 6.9+: the struct pid is the inode's i_private; older kernels:
	 * file->private_data) or a /proc/<pid> directory (psmisc's killall): its proc_inode's pid. */
	struct inode *inode = file ? BPF_CORE_READ(file, f_inode) : NULL;
	struct pid *pid = NULL;
	if (inode && BPF_CORE_READ(inode, i_sb, s_magic) == 0x9fa0 /* PROC_SUPER_MAGIC */) {
		struct proc_inode *pi = (void *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode);
		pid = BPF_CORE_READ(pi, pid);
	} else if (inode) {
		pid = (struct pid *)BPF_CORE_READ(inode, i_private);
		if (!pid)
			pid = (struct pid *)BPF_CORE_READ(file, private_data);
	}
	__s32 nr = pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
	return act_kill(nr, nr, (int)ctx->args[1], MAMORI_KILL_PIDFD);
}
ACT_EXIT(kill)
ACT_EXIT(tkill)
ACT_EXIT(tgkill)
ACT_EXIT(pidfd_send_signal)

/* ---------- fileless and anti-forensics: memfd_create, utimensat ---------- */

SEC("tracepoint/syscalls/sys_enter_memfd_create")
int mamori_act_memfd_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_pending *p = act_begin(MAMORI_ACT_MEMFD_CREATE);
	if (!p)
		return 0;
	p->a.value = (__s32)ctx->args[1];
	p->uptr1 = ctx->args[0];
	p->strings = ACT_STR_NAME;
	return act_save(p);
}
ACT_EXIT(memfd_create)

struct act_timespec {
	__s64 sec;
	__s64 nsec;
};

SEC("tracepoint/syscalls/sys_enter_utimensat")
int mamori_act_utimensat_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_timespec ts[2] = {};
	struct act_pending *p = act_begin(MAMORI_ACT_UTIMES);
	if (!p)
		return 0;
	p->dirfd1 = (__s32)ctx->args[0];
	p->uptr1 = ctx->args[1];
	p->a.value = (__s32)ctx->args[3];
	if (!ctx->args[2] || bpf_probe_read_user(ts, sizeof(ts), (void *)ctx->args[2]))
		p->a.flags |= MAMORI_ACT_F_TIMES_NULL;
	p->a.arg[0] = ts[0].sec;
	p->a.arg[1] = ts[0].nsec;
	p->a.arg[2] = ts[1].sec;
	p->a.arg[3] = ts[1].nsec;
	p->strings = ACT_STR_AT;
	p->lane = 1;
	return act_save(p);
}
ACT_EXIT(utimensat)

/* ---------- kernel state: mount, move_mount, modules ---------- */

SEC("tracepoint/syscalls/sys_enter_mount")
int mamori_act_mount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_pending *p = act_begin(MAMORI_ACT_MOUNT);
	if (!p)
		return 0;
	p->uptr2 = ctx->args[0]; /* source */
	p->uptr1 = ctx->args[1]; /* target */
	p->uptr3 = ctx->args[2]; /* fstype */
	p->a.arg[0] = ctx->args[3];
	p->strings = ACT_STR_MOUNT;
	return act_save(p);
}
ACT_EXIT(mount)

SEC("tracepoint/syscalls/sys_enter_move_mount")
int mamori_act_move_mount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_pending *p = act_begin(MAMORI_ACT_MOVE_MOUNT);
	if (!p)
		return 0;
	p->dirfd1 = (__s32)ctx->args[0];
	p->uptr1 = ctx->args[1];
	p->dirfd2 = (__s32)ctx->args[2];
	p->uptr2 = ctx->args[3];
	p->a.value = (__s32)ctx->args[4];
	p->strings = ACT_STR_MOVE;
	return act_save(p);
}
ACT_EXIT(move_mount)

SEC("tracepoint/syscalls/sys_enter_init_module")
int mamori_act_init_module_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_pending *p = act_begin(MAMORI_ACT_MODULE_LOAD);
	if (!p)
		return 0;
	p->a.arg[0] = ctx->args[1];
	p->uptr2 = ctx->args[2];
	p->strings = ACT_STR_MODULE;
	return act_save(p);
}
SEC("tracepoint/syscalls/sys_enter_finit_module")
int mamori_act_finit_module_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_pending *p = act_begin(MAMORI_ACT_MODULE_LOAD);
	if (!p)
		return 0;
	p->dirfd1 = (__s32)ctx->args[0];
	p->uptr2 = ctx->args[1];
	p->a.value = (__s32)ctx->args[2];
	p->a.arg[1] = 1;
	p->strings = ACT_STR_MODULE;
	return act_save(p);
}
ACT_EXIT(init_module)
ACT_EXIT(finit_module)

/* ---------- credentials: set*uid, set*gid, capset ---------- */

/* Save new ids (as given) and the current ones; uids when !gid, else gids. */
MAMORI_ALWAYS int act_setid(__s32 which, __u32 r, __u32 e, __u32 s, bool gid)
{
	struct act_pending *p = act_begin(MAMORI_ACT_SETID);
	if (!p)
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = task->cred;
	__u32 or, oe, os;
	if (!cred)
		return 0;
	if (gid) {
		or = cred->gid.val; oe = cred->egid.val; os = cred->sgid.val;
	} else {
		or = cred->uid.val; oe = cred->euid.val; os = cred->suid.val;
	}
	p->a.value = which;
	p->a.arg[0] = (__u64)r | (__u64)e << 32;
	p->a.arg[1] = s;
	p->a.arg[2] = (__u64)or | (__u64)oe << 32;
	p->a.arg[3] = os;
	return act_save(p);
}
#define UNCH 0xffffffff
SEC("tracepoint/syscalls/sys_enter_setuid")
int mamori_act_setuid_enter(struct trace_event_raw_sys_enter *c)
{ return act_setid(MAMORI_SETID_SETUID, (__u32)c->args[0], (__u32)c->args[0], UNCH, false); }
SEC("tracepoint/syscalls/sys_enter_setgid")
int mamori_act_setgid_enter(struct trace_event_raw_sys_enter *c)
{ return act_setid(MAMORI_SETID_SETGID, (__u32)c->args[0], (__u32)c->args[0], UNCH, true); }
SEC("tracepoint/syscalls/sys_enter_setreuid")
int mamori_act_setreuid_enter(struct trace_event_raw_sys_enter *c)
{ return act_setid(MAMORI_SETID_SETREUID, (__u32)c->args[0], (__u32)c->args[1], UNCH, false); }
SEC("tracepoint/syscalls/sys_enter_setregid")
int mamori_act_setregid_enter(struct trace_event_raw_sys_enter *c)
{ return act_setid(MAMORI_SETID_SETREGID, (__u32)c->args[0], (__u32)c->args[1], UNCH, true); }
SEC("tracepoint/syscalls/sys_enter_setresuid")
int mamori_act_setresuid_enter(struct trace_event_raw_sys_enter *c)
{ return act_setid(MAMORI_SETID_SETRESUID, (__u32)c->args[0], (__u32)c->args[1], (__u32)c->args[2], false); }
SEC("tracepoint/syscalls/sys_enter_setresgid")
int mamori_act_setresgid_enter(struct trace_event_raw_sys_enter *c)
{ return act_setid(MAMORI_SETID_SETRESGID, (__u32)c->args[0], (__u32)c->args[1], (__u32)c->args[2], true); }
ACT_EXIT(setuid)
ACT_EXIT(setgid)
ACT_EXIT(setreuid)
ACT_EXIT(setregid)
ACT_EXIT(setresuid)
ACT_EXIT(setresgid)

struct act_cap_data {
	__u32 effective, permitted, inheritable;
};

SEC("tracepoint/syscalls/sys_enter_capset")
int mamori_act_capset_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_cap_data d[2] = {};
	struct act_pending *p = act_begin(MAMORI_ACT_CAPSET);
	if (!p || !ctx->args[1])
		return 0; /* a NULL data pointer only queries the version */
	struct task_struct *task = bpf_get_current_task_btf();
	const struct cred *cred = task->cred;
	if (!cred || bpf_probe_read_user(d, sizeof(d), (void *)ctx->args[1]))
		return 0;
	p->a.arg[0] = (__u64)d[0].effective | (__u64)d[1].effective << 32;
	p->a.arg[1] = (__u64)d[0].permitted | (__u64)d[1].permitted << 32;
	p->a.arg[2] = *(__u64 *)&cred->cap_effective;
	p->a.arg[3] = *(__u64 *)&cred->cap_permitted;
	return act_save(p);
}
ACT_EXIT(capset)

/* ---------- namespaces: unshare, setns ---------- */

#define ACT_CLONE_NEWTIME   0x00000080
#define ACT_CLONE_NEWNS     0x00020000
#define ACT_CLONE_NEWCGROUP 0x02000000
#define ACT_CLONE_NEWUTS    0x04000000
#define ACT_CLONE_NEWIPC    0x08000000
#define ACT_CLONE_NEWUSER   0x10000000
#define ACT_CLONE_NEWPID    0x20000000
#define ACT_CLONE_NEWNET    0x40000000
#define ACT_CLONE_NEW_ANY   (ACT_CLONE_NEWTIME | ACT_CLONE_NEWNS | ACT_CLONE_NEWCGROUP | ACT_CLONE_NEWUTS | \
			     ACT_CLONE_NEWIPC | ACT_CLONE_NEWUSER | ACT_CLONE_NEWPID | ACT_CLONE_NEWNET)
#define ACT_NSFS_MAGIC      0x6e736673

/* The namespace type moved from proc_ns_operations (type) into ns_common (ns_type) in 6.18. */
struct ns_common___typed {
	__u32 ns_type;
} __attribute__((preserve_access_index));
struct proc_ns_operations___typed {
	int type;
} __attribute__((preserve_access_index));

/* The caller's namespace inode of one CLONE_NEW* type (0 for a type not read). */
MAMORI_ALWAYS __u64 act_own_ns(struct task_struct *task, __u32 type)
{
	struct nsproxy *nsp = BPF_CORE_READ(task, nsproxy);
	switch (type) {
	case ACT_CLONE_NEWNS: return BPF_CORE_READ(nsp, mnt_ns, ns.inum);
	case ACT_CLONE_NEWUTS: return BPF_CORE_READ(nsp, uts_ns, ns.inum);
	case ACT_CLONE_NEWIPC: return BPF_CORE_READ(nsp, ipc_ns, ns.inum);
	case ACT_CLONE_NEWNET: return BPF_CORE_READ(nsp, net_ns, ns.inum);
	case ACT_CLONE_NEWPID: return BPF_CORE_READ(nsp, pid_ns_for_children, ns.inum);
	case ACT_CLONE_NEWCGROUP: return BPF_CORE_READ(nsp, cgroup_ns, ns.inum);
	case ACT_CLONE_NEWUSER: return BPF_CORE_READ(task, cred, user_ns, ns.inum);
	}
	return 0;
}

/* unshare(2) with at least one CLONE_NEW* flag (unshare of files/fs alone is not reported). */
SEC("tracepoint/syscalls/sys_enter_unshare")
int mamori_act_unshare_enter(struct trace_event_raw_sys_enter *ctx)
{
	long flags = ctx->args[0];
	if (!(flags & ACT_CLONE_NEW_ANY))
		return 0;
	struct act_pending *p = act_begin(MAMORI_ACT_UNSHARE);
	if (!p)
		return 0;
	p->a.value = (__s32)flags;
	p->a.arg[0] = act_own_ns((struct task_struct *)bpf_get_current_task(), ACT_CLONE_NEWUSER);
	return act_save(p);
}
ACT_EXIT(unshare)

/* setns(2): which namespace is joined (an nsfs fd) or whose (a pidfd). */
SEC("tracepoint/syscalls/sys_enter_setns")
int mamori_act_setns_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct act_pending *p = act_begin(MAMORI_ACT_SETNS);
	if (!p)
		return 0;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *file = mamori_fd_file(task, (int)ctx->args[0]);
	struct inode *inode = file ? BPF_CORE_READ(file, f_inode) : NULL;
	p->a.value = (__s32)ctx->args[1];
	if (inode && BPF_CORE_READ(inode, i_sb, s_magic) == ACT_NSFS_MAGIC) {
		struct ns_common *ns = (struct ns_common *)BPF_CORE_READ(inode, i_private);
		__u32 type;
		if (bpf_core_field_exists(((struct ns_common___typed *)0)->ns_type))
			type = BPF_CORE_READ((struct ns_common___typed *)ns, ns_type);
		else {
			struct proc_ns_operations___typed *ops = (void *)BPF_CORE_READ(ns, ops);
			type = BPF_CORE_READ(ops, type);
		}
		p->a.arg[0] = BPF_CORE_READ(ns, inum);
		p->a.arg[1] = type;
		p->a.arg[2] = act_own_ns(task, type);
	} else if (inode) {
		/* A pidfd (5.8+): the namespaces of the process behind it, as in pidfd_send_signal. */
		struct pid *pid = (struct pid *)BPF_CORE_READ(inode, i_private);
		if (!pid)
			pid = (struct pid *)BPF_CORE_READ(file, private_data);
		p->a.target_pid = pid ? BPF_CORE_READ(pid, numbers[0].nr) : 0;
		p->a.arg[1] = (__u32)ctx->args[1];
	}
	return act_save(p);
}
ACT_EXIT(setns)
