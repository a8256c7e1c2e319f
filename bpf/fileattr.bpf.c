// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attributes attackers set on files: a file capability written (setcap: the
 * security.capability extended attribute) and inode flags changed (chattr: FS_IOC_SETFLAGS,
 * FS_IOC_FSSETXATTR), by any process.
 *
 * Hooks: syscall enter tracepoints only (setxattr, lsetxattr, fsetxattr, setxattrat, ioctl).
 *   There is no exit hook: ioctl is one of the most frequent syscalls, and an exit program
 *   would pay a hash lookup on every one of them. The record is the attempt (result unknown,
 *   MAMORI_ACT_F_NO_RESULT); chattr and setcap by an unprivileged user fail, and the attempt
 *   is what a rule judges.
 * Emits: struct mamori_activity (op XATTR_SET / FILE_FLAGS), bulk lane.
 * Filters first: ioctl leaves on its command (three compares) before any map or helper call;
 *   setxattr leaves unless the attribute name is exactly "security.capability" (one bounded
 *   user-string read of 20 bytes). The agent and muted processes are filtered after that.
 * Cost: docs/kernel.md "File attributes" (bpf_stats ns/run).
 * Bounds: the capability value is read only when size >= 20 bytes (v2) and its rootid when
 *   >= 24 (v3); paths as in file.bpf.c.
 * Known gaps: io_uring (IORING_OP_SETXATTR), xattrs other than security.capability (selinux,
 *   ima), removexattr, flags set through FS_IOC_FSSETXATTR on XFS project inheritance only.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/path.h"

char LICENSE[] SEC("license") = "GPL";

#define FA_DATA_OFF sizeof(struct mamori_activity)

#define FS_IOC_SETFLAGS    0x40086602u /* _IOW('f', 2, long) */
#define FS_IOC32_SETFLAGS  0x40046602u /* _IOW('f', 2, int) */
#define FS_IOC_FSSETXATTR  0x401c5820u /* _IOW('X', 32, struct fsxattr) */
#define FS_XFLAG_IMMUTABLE 0x00000008u
#define FS_XFLAG_APPEND    0x00000010u
#define FS_XFLAG_NODUMP    0x00000080u
#define S_IMMUTABLE_I      (1u << 3)   /* inode->i_flags S_IMMUTABLE */
#define S_APPEND_I         (1u << 2)   /* inode->i_flags S_APPEND */

static const char cap_name[] = "security.capability"; /* 19 bytes + NUL */

/* A zeroed activity record in the per-CPU scratch for the current process, or NULL. */
MAMORI_ALWAYS struct mamori_activity *fa_begin(struct mamori_config **cfg, __u16 op)
{
	*cfg = mamori_config();
	if (!*cfg || mamori_is_muted(*cfg, bpf_get_current_pid_tgid() >> 32))
		return NULL;
	struct mamori_activity *a = mamori_scratch();
	if (!a)
		return NULL;
	__builtin_memset(a, 0, sizeof(*a));
	a->op = op;
	a->target_uid = 0xffffffff;
	a->flags = MAMORI_ACT_F_NO_RESULT;
	return a;
}

/* Path of (dirfd, upath), or of the file behind dirfd when upath is 0, into the record. */
MAMORI_ALWAYS void fa_path(struct mamori_activity *a, struct task_struct *task, int dirfd, __u64 upath)
{
	char *data = (char *)a + FA_DATA_OFF;
	bool cut = false, rel = false;
	__u32 len = 0;
	if (upath) {
		len = mamori_copy_at_path(data, task, dirfd, (const char *)upath, &cut, &rel);
	} else {
		struct file *file = mamori_fd_file(task, dirfd);
		if (file) {
			struct path *fp = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
			len = mamori_copy_path(data, fp, &cut);
		}
	}
	a->path_len = len & MAMORI_PATH_MASK;
	if (cut)
		a->flags |= MAMORI_ACT_F_PATH_TRUNCATED;
	if (rel)
		a->flags |= MAMORI_ACT_F_PATH_RELATIVE;
}

MAMORI_ALWAYS int fa_emit(struct mamori_config *cfg, struct mamori_activity *a, struct task_struct *task)
{
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 size = FA_DATA_OFF + (a->path_len & MAMORI_PATH_MASK);
	mamori_fill_subject(&a->subj, task);
	mamori_fill_header(&a->hdr, MAMORI_KIND_ACTIVITY, size, task, now);
	mamori_output(cfg, MAMORI_LANE_BULK, MAMORI_KIND_ACTIVITY, a, size, now);
	return 0;
}

/* ---------- security.capability written (setcap) ---------- */

struct fa_cap_data {
	__u32 magic_etc;
	__u32 permitted_lo, inheritable_lo;
	__u32 permitted_hi, inheritable_hi;
	__u32 rootid;
};

MAMORI_ALWAYS int fa_setxattr(int dirfd, __u64 upath, __u64 uname, __u64 uvalue, __u64 size, __u32 xflags)
{
	char name[sizeof(cap_name)];
	if (bpf_probe_read_user_str(name, sizeof(name), (const void *)uname) != sizeof(cap_name))
		return 0;
#pragma unroll
	for (int i = 0; i < (int)sizeof(cap_name) - 1; i++)
		if (name[i] != cap_name[i])
			return 0;
	struct mamori_config *cfg;
	struct mamori_activity *a = fa_begin(&cfg, MAMORI_ACT_XATTR_SET);
	if (!a)
		return 0;
	struct fa_cap_data d = {};
	if (size >= 20 && uvalue)
		bpf_probe_read_user(&d, 20, (const void *)uvalue);
	if (size >= 24 && uvalue)
		bpf_probe_read_user(&d.rootid, 4, (const void *)(uvalue + 20));
	a->value = (__s32)xflags;
	a->arg[0] = d.magic_etc;
	a->arg[1] = (__u64)d.permitted_lo | (__u64)d.permitted_hi << 32;
	a->arg[2] = (__u64)d.inheritable_lo | (__u64)d.inheritable_hi << 32;
	a->arg[3] = size >= 24 ? d.rootid : 0xffffffffu;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	fa_path(a, task, dirfd, upath);
	return fa_emit(cfg, a, task);
}

SEC("tracepoint/syscalls/sys_enter_setxattr")
int mamori_act_setxattr_enter(struct trace_event_raw_sys_enter *c)
{ return fa_setxattr(MAMORI_AT_FDCWD, c->args[0], c->args[1], c->args[2], c->args[3], (__u32)c->args[4]); }
SEC("tracepoint/syscalls/sys_enter_lsetxattr")
int mamori_act_lsetxattr_enter(struct trace_event_raw_sys_enter *c)
{ return fa_setxattr(MAMORI_AT_FDCWD, c->args[0], c->args[1], c->args[2], c->args[3], (__u32)c->args[4]); }
SEC("tracepoint/syscalls/sys_enter_fsetxattr")
int mamori_act_fsetxattr_enter(struct trace_event_raw_sys_enter *c)
{ return fa_setxattr((int)c->args[0], 0, c->args[1], c->args[2], c->args[3], (__u32)c->args[4]); }

/* setxattrat (6.13+): uargs = struct xattr_args { __u64 value; __u32 size; __u32 flags; }. */
struct fa_xattr_args {
	__u64 value;
	__u32 size;
	__u32 flags;
};
SEC("tracepoint/syscalls/sys_enter_setxattrat")
int mamori_act_setxattrat_enter(struct trace_event_raw_sys_enter *c)
{
	struct fa_xattr_args x = {};
	if (bpf_probe_read_user(&x, sizeof(x), (const void *)c->args[4]))
		return 0;
	/* An empty path with AT_EMPTY_PATH names dirfd itself; fa_path resolves "" as dirfd. */
	return fa_setxattr((int)c->args[0], c->args[1], c->args[3], x.value, x.size, x.flags);
}

/* ---------- inode flags changed (chattr) ---------- */

SEC("tracepoint/syscalls/sys_enter_ioctl")
int mamori_act_ioctl_enter(struct trace_event_raw_sys_enter *c)
{
	__u32 cmd = (__u32)c->args[1];
	/* The common case leaves here: every other ioctl. */
	if (cmd != FS_IOC_SETFLAGS && cmd != FS_IOC32_SETFLAGS && cmd != FS_IOC_FSSETXATTR)
		return 0;
	struct mamori_config *cfg;
	struct mamori_activity *a = fa_begin(&cfg, MAMORI_ACT_FILE_FLAGS);
	if (!a)
		return 0;
	__u32 flags = 0;
	bpf_probe_read_user(&flags, sizeof(flags), (const void *)c->args[2]);
	if (cmd == FS_IOC_FSSETXATTR) {
		/* fsxattr.fsx_xflags: map the bits rules judge onto the FS_*_FL values. */
		__u32 x = flags;
		flags = (x & FS_XFLAG_IMMUTABLE ? MAMORI_FS_IMMUTABLE_FL : 0) |
			(x & FS_XFLAG_APPEND ? MAMORI_FS_APPEND_FL : 0) |
			(x & FS_XFLAG_NODUMP ? MAMORI_FS_NODUMP_FL : 0);
	}
	a->value = (__s32)flags;
	a->arg[0] = cmd;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	int fd = (int)c->args[0];
	struct file *file = mamori_fd_file(task, fd);
	if (file) {
		__u32 iflags = BPF_CORE_READ(file, f_inode, i_flags);
		a->arg[1] = (iflags & S_IMMUTABLE_I ? MAMORI_FS_IMMUTABLE_FL : 0) |
			    (iflags & S_APPEND_I ? MAMORI_FS_APPEND_FL : 0);
	}
	fa_path(a, task, fd, 0);
	return fa_emit(cfg, a, task);
}
