/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Opens on procfs, called from file.bpf.c's open exit once the opened file's device is the one
 * userspace registered as /proc (mamori_watch_devs.procfs_dev). Emits MAMORI_ACT_PROC_ACCESS for
 * the sensitive entries of ANOTHER process's /proc/<pid> directory (mem, environ, maps, ...; a
 * process's own entries only for a mem write), and MAMORI_ACT_SYSCTL_WRITE for write opens
 * under /proc/sys. Everything else on /proc (stat, status, /proc/meminfo, sysctl reads) leaves
 * after one proc_inode window read and, for pid entries, one name read.
 * Cost: only opens on /proc pay; opens on other devices are unchanged (one compare).
 * Bounds: no loops but the sysctl path walk (MAMORI_PATH_DEPTH, only on a sysctl write).
 */
#ifndef MAMORI_PROCFS_H
#define MAMORI_PROCFS_H
#include "emit.h"
#include "task.h"
#include "path.h"

#define MAMORI_ACT_DATA_OFF sizeof(struct mamori_activity)

/* Little-endian 8-byte word of up to 8 characters, for comparing d_name prefixes. */
#define PFS_W(s) (PFS_C(s, 0) | PFS_C(s, 1) << 8 | PFS_C(s, 2) << 16 | PFS_C(s, 3) << 24 | \
		  PFS_C(s, 4) << 32 | PFS_C(s, 5) << 40 | PFS_C(s, 6) << 48 | PFS_C(s, 7) << 56)
#define PFS_C(s, i) ((__u64)(i < sizeof(s) - 1 ? (unsigned char)s[i] : 0))

/* MAMORI_PROC_* of a /proc/<pid> entry name (first 16 bytes, NUL-padded), 0 = not reported. */
MAMORI_ALWAYS __s32 procfs_class(const __u64 w[2])
{
	if (w[1] == 0) {
		if (w[0] == PFS_W("mem")) return MAMORI_PROC_MEM;
		if (w[0] == PFS_W("environ")) return MAMORI_PROC_ENVIRON;
		if (w[0] == PFS_W("maps") || w[0] == PFS_W("smaps")) return MAMORI_PROC_MAPS;
		if (w[0] == PFS_W("pagemap")) return MAMORI_PROC_PAGEMAP;
		if (w[0] == PFS_W("auxv")) return MAMORI_PROC_AUXV;
		if (w[0] == PFS_W("stack") || w[0] == PFS_W("syscall")) return MAMORI_PROC_STACK;
		if (w[0] == PFS_W("cmdline")) return MAMORI_PROC_CMDLINE;
		if (w[0] == PFS_W("fd") || w[0] == PFS_W("fdinfo")) return MAMORI_PROC_FD;
		return 0;
	}
	if (w[0] == PFS_W("smaps_ro") && w[1] == PFS_W("llup")) return MAMORI_PROC_MAPS;
	if (w[0] == PFS_W("numa_map") && w[1] == PFS_W("s")) return MAMORI_PROC_MAPS;
	return 0;
}

MAMORI_ALWAYS void procfs_emit(struct mamori_config *cfg, struct mamori_activity *a, __u32 lane)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 size = MAMORI_ACT_DATA_OFF + (a->path_len & MAMORI_PATH_MASK);
	mamori_fill_subject(&a->subj, task);
	mamori_fill_header(&a->hdr, MAMORI_KIND_ACTIVITY, size, task, now);
	mamori_output(cfg, lane, MAMORI_KIND_ACTIVITY, a, size, now);
}

/*
 * `file` was just opened on /proc by the current task (`inode` its inode, `write` its
 * FMODE_WRITE). Reports it when it is interesting; never touches the caller's state.
 */
MAMORI_ALWAYS void mamori_procfs_open(struct mamori_config *cfg, struct file *file,
				      struct inode *inode, bool write, __u32 fmode)
{
	struct proc_inode *pi = (void *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode);
	struct pid *pid = BPF_CORE_READ(pi, pid);
	struct mamori_activity *a;
	__u64 id = bpf_get_current_pid_tgid();
	bool cut = false;

	if (!pid) {
		/* Not a /proc/<pid> entry: only sysctl writes are reported. */
		if (!write || !BPF_CORE_READ(pi, sysctl) || mamori_is_muted(cfg, id >> 32))
			return;
		a = mamori_scratch();
		if (!a)
			return;
		__builtin_memset(a, 0, sizeof(*a));
		a->op = MAMORI_ACT_SYSCTL_WRITE;
		a->flags = MAMORI_ACT_F_WRITE | ((fmode & 1) ? MAMORI_ACT_F_READ : 0);
		a->target_uid = 0xffffffff;
		struct path *fpath = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
		a->path_len = mamori_copy_path((char *)a + MAMORI_ACT_DATA_OFF, fpath, &cut) & MAMORI_PATH_MASK;
		if (cut)
			a->flags |= MAMORI_ACT_F_PATH_TRUNCATED;
		procfs_emit(cfg, a, MAMORI_LANE_PRIORITY);
		return;
	}
	/* The entry's name decides first: most procfs opens (stat, status, comm) stop here. */
	__u64 w[2] = {};
	const unsigned char *name = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	if (bpf_probe_read_kernel_str(w, sizeof(w), name) <= 0)
		return;
	__s32 cls = procfs_class(w);
	if (!cls)
		return;
	struct task_struct *target = NULL;
	struct hlist_node *first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	if (first)
		target = (void *)first - bpf_core_field_offset(struct task_struct, pid_links);
	__u32 tgid = target ? BPF_CORE_READ(target, tgid) : 0;
	bool self = tgid == (__u32)(id >> 32);
	if ((self && !(write && cls == MAMORI_PROC_MEM)) || mamori_is_muted(cfg, id >> 32))
		return;
	a = mamori_scratch();
	if (!a)
		return;
	__builtin_memset(a, 0, sizeof(*a));
	a->op = MAMORI_ACT_PROC_ACCESS;
	a->value = cls;
	a->flags = (write ? MAMORI_ACT_F_WRITE : 0) | ((fmode & 1) ? MAMORI_ACT_F_READ : 0) |
		   (self ? MAMORI_ACT_F_SELF : 0);
	a->target_pid = BPF_CORE_READ(pid, numbers[0].nr);
	a->target_tgid = tgid;
	a->target_uid = target ? BPF_CORE_READ(target, cred, uid.val) : 0xffffffff;
	if (target)
		BPF_CORE_READ_STR_INTO(&a->name, target, comm);
	/* The entry name (at most 16 bytes: the classified names are shorter). */
	long n = bpf_probe_read_kernel_str((char *)a + MAMORI_ACT_DATA_OFF, 16, name);
	a->path_len = n > 1 ? (n - 1) & 15 : 0;
	/* Readers of everyone's cmdline (ps, top) make this high-rate: bulk lane. */
	procfs_emit(cfg, a, MAMORI_LANE_BULK);
}

#endif
