/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* CO-RE readers for the acting task: identity, credentials, start times, open files. */
#ifndef MAMORI_TASK_H
#define MAMORI_TASK_H
#include "common.h"

/*
 * Windowed reads. BPF_CORE_READ costs one bpf_probe_read_kernel helper call per field or
 * pointer hop (~20-40 ns each on this VM). The hot paths instead copy the first
 * MAMORI_WINDOW bytes of an object once (struct file, inode, dentry keep the fields we need
 * there) and pick fields out of the copy at their CO-RE offsets. A field outside the window
 * (another kernel layout) falls back to its own read, so this is never wrong, only slower.
 */
#define MAMORI_WINDOW 96
struct mamori_window {
	__u64 q[MAMORI_WINDOW / 8];
};

MAMORI_ALWAYS bool mamori_window_read(struct mamori_window *w, const void *obj)
{
	return bpf_probe_read_kernel(w, sizeof(*w), obj) == 0;
}

#define MAMORI_WFIELD(w, obj, type, field)                                                 \
	({                                                                                 \
		__typeof_unqual__(((type *)0)->field) __v;                                           \
		__u32 __o = bpf_core_field_offset(type, field);                            \
		if (__o + sizeof(__v) <= sizeof((w)->q))                                   \
			__v = *(typeof(__v) *)((char *)(w)->q + __o);                       \
		else                                                                       \
			__v = BPF_CORE_READ((type *)(obj), field);                         \
		__v;                                                                       \
	})

/*
 * The current task's identity helpers. A program built with MAMORI_SKB_CONTEXT defined (the
 * cgroup skb programs of bpf/dns.bpf.c) reads them from the task instead: Linux 6.1 refuses
 * bpf_get_current_{pid_tgid,uid_gid,comm,cgroup_id} in cgroup skb programs (they may run in
 * softirq, where current is whoever was interrupted), while bpf_get_current_task and
 * bpf_probe_read_kernel are allowed. Every other program keeps the one-call helpers.
 */
MAMORI_ALWAYS __u64 mamori_current_pid_tgid(void)
{
#ifdef MAMORI_SKB_CONTEXT
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	return ((__u64)BPF_CORE_READ(t, tgid) << 32) | (__u32)BPF_CORE_READ(t, pid);
#else
	return bpf_get_current_pid_tgid();
#endif
}

/* (gid << 32 | uid) of the current task, as bpf_get_current_uid_gid returns it. */
MAMORI_ALWAYS __u64 mamori_current_uid_gid(void)
{
#ifdef MAMORI_SKB_CONTEXT
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	const struct cred *c = BPF_CORE_READ(t, cred);
	return ((__u64)BPF_CORE_READ(c, gid.val) << 32) | BPF_CORE_READ(c, uid.val);
#else
	return bpf_get_current_uid_gid();
#endif
}

/* Start of the thread group (the leader's start_boottime): half of every process key. */
MAMORI_ALWAYS __u64 mamori_group_start(struct task_struct *task)
{
	return BPF_CORE_READ(task, group_leader, start_boottime);
}

MAMORI_ALWAYS void mamori_fill_header(struct mamori_header *h, __u16 kind, __u32 size,
				      struct task_struct *task, __u64 now)
{
	__u64 id = mamori_current_pid_tgid();
	h->kind = kind;
	h->version = MAMORI_ABI_VERSION;
	h->size = size;
	h->ktime_ns = now;
	h->tgid = id >> 32;
	h->pid = (__u32)id;
	h->start_boottime_ns = mamori_group_start(task);
}

MAMORI_ALWAYS void mamori_fill_subject(struct mamori_subject *s, struct task_struct *task)
{
	__u64 ug = mamori_current_uid_gid();
	s->ppid = BPF_CORE_READ(task, real_parent, tgid);
	s->uid = (__u32)ug;
	s->gid = ug >> 32;
	s->euid = BPF_CORE_READ(task, cred, euid.val);
#ifdef MAMORI_SKB_CONTEXT
	s->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	bpf_core_read(s->comm, sizeof(s->comm), &task->comm);
#else
	s->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(s->comm, sizeof(s->comm));
#endif
}

/* The struct file behind fd in the current task, or NULL (bounds-checked against max_fds). */
MAMORI_ALWAYS struct file *mamori_fd_file(struct task_struct *task, int fd)
{
	struct file **fds;
	struct file *file = NULL;
	struct fdtable *fdt;
	if (fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

/*
 * The struct file behind fd in the current task, or NULL. The fd table is reached through the
 * BTF-typed current task (direct loads, no helper calls); only the slot needs a helper read.
 */
MAMORI_ALWAYS struct file *mamori_current_fd_file(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file **fds;
	struct file *file = NULL;
	if (fd < 0 || !fdt || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]))
		return NULL;
	return file;
}

/* The socket's struct sock when fd is a socket (file->private_data of a socket file). */
MAMORI_ALWAYS struct sock *mamori_fd_sock(struct task_struct *task, int fd)
{
	struct file *file = mamori_fd_file(task, fd);
	struct socket *sock;
	if (!file)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock)
		return NULL;
	/* A socket's file points back at it; anything else is not a socket. */
	if (BPF_CORE_READ(sock, file) != file)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

/* Kernel dev_t of the filesystem holding an inode. */
MAMORI_ALWAYS __u32 mamori_inode_dev(struct inode *inode)
{
	return BPF_CORE_READ(inode, i_sb, s_dev);
}

#endif
