// SPDX-License-Identifier: GPL-2.0-only
/*
 * File changes: create / open-for-write / truncate, rename, unlink, chmod, chown, truncate(2),
 * and read-only opens of inodes in the watch set.
 *
 * Hooks: syscall tracepoints (enter saves the arguments, exit resolves and emits):
 *   open, openat, openat2, creat (or, where fexit attaches, one fexit on security_file_open
 *   instead of these four: "fexit tier" below), rename, renameat, renameat2, unlink, unlinkat, chmod, fchmod,
 *   fchmodat, fchmodat2 (optional), chown, lchown, fchown, fchownat, truncate.
 * Emits: struct mamori_file into the bulk lane (a file storm cannot displace process records).
 * Cost: a read-only open costs an argument check at enter; at exit, with no watches, one
 *   pending-map miss before any fd work; with watches, the fd slot, file, inode and s_dev
 *   reads and the per-device summary, the watch-set lookups only on a device holding watch
 *   entries (docs/kernel.md "Read-only open fast path"): ordinary reads emit nothing.
 * Repeats: with MAMORI_CFG_FILE_REPEATS, identical records (tgid, op, dev, ino, generation)
 *   within 1 s of the last emitted one are counted in mamori_file_repeat instead of emitted
 *   (before the path copy); the count rides on the next record (repeat_count) or is taken by
 *   userspace. Creations are never folded (abi.h).
 * Paths: opens resolve the opened file itself (canonical); the other ops resolve dirfd/cwd in
 *   the kernel and append the user string (userspace folds "." and "..").
 * Known gaps: io_uring file ops bypass syscall tracepoints; writes through an fd opened before
 *   the agent started are not seen; a racing thread may rewrite the user path between the
 *   syscall and its exit (TOCTOU of syscall tracing).
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/path.h"
#include "lib/procfs.h"
#include "lib/budget.h"

char LICENSE[] SEC("license") = "GPL";

#define FILE_DATA_OFF sizeof(struct mamori_file)

/* Repeat counters of (tgid, op, dev, ino): abi.h "In-kernel folding of repeated file events". */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct mamori_repeat_key);
	__type(value, struct mamori_repeat);
} mamori_file_repeat SEC(".maps");

/*
 * Should this event be emitted? Returns the repeats it carries (>= 0), or -1 when it is an
 * identical repeat inside the window (counted in the map, not emitted). One LRU lookup when
 * folding is on; nothing when it is off or the inode is unknown. Increments are atomic, so
 * concurrent threads of one process lose no count.
 */
MAMORI_ALWAYS long repeat_gate(struct mamori_config *cfg, __u32 tgid, __u16 op, __u32 dev, __u64 ino,
				struct inode *inode, __u64 now)
{
	/* A creation is never a repeat (abi.h): no lookup, no LRU insert per created file. */
	if (!(cfg->flags & MAMORI_CFG_FILE_REPEATS) || !ino || op == MAMORI_FILE_CREATE)
		return 0;
	struct mamori_repeat_key k = {.tgid = tgid, .op = op, .dev = dev, .ino = ino,
				      .gen = BPF_CORE_READ(inode, i_generation)};
	struct mamori_repeat *r = bpf_map_lookup_elem(&mamori_file_repeat, &k);
	if (r) {
		if ((__s64)(now - r->first_ns) < (__s64)MAMORI_REPEAT_WINDOW_NS) {
			__sync_fetch_and_add(&r->suppressed, 1);
			return -1;
		}
		__u64 carry = r->suppressed;
		__sync_fetch_and_add(&r->suppressed, -carry);
		r->first_ns = now;
		return (long)(carry & 0xffffffff);
	}
	struct mamori_repeat v = {.first_ns = now};
	bpf_map_update_elem(&mamori_file_repeat, &k, &v, BPF_NOEXIST);
	return 0;
}
#define OPEN_OP 0x100 /* pending op for the open family (not a file op value) */
#define WATCH_PROCFS (1u << 31) /* watch_dev_bits: the device is /proc (lib/procfs.h) */

MAMORI_ALWAYS bool file_enabled(struct mamori_config **cfg)
{
	*cfg = mamori_config();
	if (!*cfg || !((*cfg)->flags & MAMORI_CFG_FILE_EVENTS))
		return false;
	return !mamori_is_muted(*cfg, bpf_get_current_pid_tgid() >> 32);
}

MAMORI_ALWAYS int save(struct mamori_pending *p)
{
	struct mamori_config *cfg;
	__u64 id = bpf_get_current_pid_tgid();
	if (!file_enabled(&cfg))
		return 0;
	bpf_map_update_elem(&mamori_pending_map, &id, p, BPF_ANY);
	return 0;
}

/* ---------- open family ---------- */

MAMORI_ALWAYS int open_enter(int dirfd, __u64 upath, __u32 flags, __u32 mode)
{
	/* Read-only opens save nothing: their exit only consults the watch set. */
	if (!(flags & (MAMORI_O_ACCMODE | MAMORI_O_TRUNC | MAMORI_O_CREAT)))
		return 0;
	struct mamori_pending p = {.op = OPEN_OP, .fd1 = dirfd, .ptr1 = upath, .flags = flags, .mode = mode};
	return save(&p);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int mamori_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((int)ctx->args[0], ctx->args[1], (__u32)ctx->args[2], (__u32)ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_open")
int mamori_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(MAMORI_AT_FDCWD, ctx->args[0], (__u32)ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int mamori_creat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(MAMORI_AT_FDCWD, ctx->args[0],
			  MAMORI_O_CREAT | MAMORI_O_WRONLY | MAMORI_O_TRUNC, (__u32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int mamori_openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return open_enter((int)ctx->args[0], ctx->args[1], (__u32)how.flags, (__u32)how.mode);
}

/*
 * The MAMORI_WATCH_* bits any watch entry on device `dev` carries (0: nothing watched there).
 * One inlined array lookup and at most MAMORI_WATCH_DEVS_MAX compares; a missing or overflowed
 * summary answers "anything may be watched" (never wrong, only slower).
 */
MAMORI_ALWAYS __u32 watch_dev_bits(__u32 dev)
{
	__u32 zero = 0;
	struct mamori_watch_devs *d = bpf_map_lookup_elem(&mamori_watch_devs, &zero);
	if (!d)
		return MAMORI_WATCH_FILE | MAMORI_WATCH_CHILDREN;
	if (dev == d->procfs_dev && dev)
		return WATCH_PROCFS;
	if (d->count > MAMORI_WATCH_DEVS_MAX)
		return MAMORI_WATCH_FILE | MAMORI_WATCH_CHILDREN;
#pragma unroll
	for (__u32 i = 0; i < MAMORI_WATCH_DEVS_MAX; i++) {
		if (i < d->count && d->dev[i] == dev)
			return d->what[i];
	}
	return 0;
}

/*
 * Is this inode (or its directory) in the watch set? `fw` is the window of `file` already read
 * by the caller; the inode costs one window read and s_dev one more. A device with no watch
 * entry exits there; the file lookup and the parent-dentry walk (three reads and a lookup) run
 * only when that device holds entries of their kind.
 */
MAMORI_ALWAYS bool watched(struct mamori_config *cfg, struct file *file, struct mamori_window *fw,
			   __u32 fmode)
{
	struct mamori_watch_key key = {};
	struct mamori_window w;
	struct inode *inode = MAMORI_WFIELD(fw, file, struct file, f_inode);
	struct dentry *dentry = MAMORI_WFIELD(fw, file, struct file, f_path.dentry);
	struct dentry *parent;
	__u32 *what, bits;
	if (!inode || !mamori_window_read(&w, inode))
		return false;
	struct super_block *sb = MAMORI_WFIELD(&w, inode, struct inode, i_sb);
	key.dev = BPF_CORE_READ(sb, s_dev);
	bits = watch_dev_bits(key.dev);
	if (!bits)
		return false;
	if (bits & WATCH_PROCFS) {
		mamori_procfs_open(cfg, file, inode, false, fmode);
		return false;
	}
	if (bits & MAMORI_WATCH_FILE) {
		key.ino = MAMORI_WFIELD(&w, inode, struct inode, i_ino);
		what = bpf_map_lookup_elem(&mamori_watch, &key);
		if (what && (*what & MAMORI_WATCH_FILE))
			return true;
	}
	if (!(bits & MAMORI_WATCH_CHILDREN) || !dentry || !mamori_window_read(&w, dentry))
		return false;
	parent = MAMORI_WFIELD(&w, dentry, struct dentry, d_parent);
	key.ino = BPF_CORE_READ(parent, d_inode, i_ino);
	what = bpf_map_lookup_elem(&mamori_watch, &key);
	return what && (*what & MAMORI_WATCH_CHILDREN);
}

/*
 * Emit the record of an opened file (both open tiers): the repeat gate first, then the path of
 * the file itself. `open_flags` and `mode` are what the open asked for (0 when unknown).
 */
MAMORI_ALWAYS void open_emit(struct mamori_config *cfg, struct file *file, __u64 id, __u16 op,
			     __u32 open_flags, __u32 mode)
{
	struct task_struct *task;
	struct mamori_file *f;
	bool cut = false;

	f = mamori_scratch();
	if (!f)
		return;
	task = (struct task_struct *)bpf_get_current_task();
	__builtin_memset(f, 0, sizeof(*f));
	f->op = op;
	f->flags = op == MAMORI_FILE_OPEN_READ ? MAMORI_FILE_WATCHED : 0;
	f->open_flags = open_flags;
	f->mode = mode;
	f->owner_uid = 0xffffffff;
	f->owner_gid = 0xffffffff;
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	f->ino = BPF_CORE_READ(inode, i_ino);
	f->dev = mamori_inode_dev(inode);
	__u64 now = bpf_ktime_get_boot_ns();
	long repeats = repeat_gate(cfg, id >> 32, op, f->dev, f->ino, inode, now);
	if (repeats < 0)
		return; /* an identical repeat: counted, no path work */
	/* A non-root uid over its budget: counted, no path walk (watched reads never budgeted). */
	if (op != MAMORI_FILE_OPEN_READ && mamori_uid_over_budget(task, now, 1 + (__u64)repeats))
		return;
	f->repeat_count = (__u32)repeats;
	struct path *fpath = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
	f->path_len = mamori_copy_path((char *)f + FILE_DATA_OFF, fpath, &cut) & MAMORI_PATH_MASK;
	if (cut)
		f->flags |= MAMORI_FILE_PATH_TRUNCATED;
	__u32 size = FILE_DATA_OFF + (f->path_len & MAMORI_PATH_MASK);
	mamori_fill_subject(&f->subj, task);
	mamori_fill_header(&f->hdr, MAMORI_KIND_FILE, size, task, now);
	mamori_output(cfg, MAMORI_LANE_BULK, MAMORI_KIND_FILE, f, size, now);
}

MAMORI_ALWAYS int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_pending *p = NULL;
	struct mamori_window fw;
	struct file *file;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 fmode;
	__u16 op;
	/* Read once: clang may otherwise keep a ctx+off pointer, which the verifier refuses. */
	long ret = ctx->ret;

	barrier_var(ret);
	if (!cfg || !(cfg->flags & MAMORI_CFG_FILE_EVENTS))
		return 0;
	if (ret < 0) {
		/* A failed write-open left its arguments behind. */
		if (bpf_map_lookup_elem(&mamori_pending_map, &id))
			bpf_map_delete_elem(&mamori_pending_map, &id);
		return 0;
	}
	/*
	 * No watches: only an open whose enter saved its arguments (a write, create or truncate
	 * open of an unmuted process) can be reported, so a pending-map miss exits before any fd
	 * work. Read-only opens saved nothing at enter.
	 */
	if (!(cfg->flags & MAMORI_CFG_HAS_WATCHES)) {
		p = bpf_map_lookup_elem(&mamori_pending_map, &id);
		if (!p)
			return 0;
		if (p->op != OPEN_OP)
			goto out;
	}
	file = mamori_current_fd_file((int)ret);
	if (!file || !mamori_window_read(&fw, file))
		goto out;
	fmode = MAMORI_WFIELD(&fw, file, struct file, f_mode);
	/*
	 * Hot path: a read-only open (the vast majority) never touches the pending map while
	 * watches exist; it costs the fd slot, file, inode and s_dev reads, and exits there when
	 * its device holds no watch entry (mamori_watch_devs). Only on a watched device do the
	 * watch-set lookups (and the dentry and parent-inode reads) follow.
	 */
	if (!(fmode & MAMORI_FMODE_WRITE)) {
		if (!(cfg->flags & MAMORI_CFG_HAS_WATCHES) || !watched(cfg, file, &fw, fmode) ||
		    mamori_is_muted(cfg, id >> 32))
			goto out;
		op = MAMORI_FILE_OPEN_READ;
	} else {
		if (!p)
			p = bpf_map_lookup_elem(&mamori_pending_map, &id);
		if (!p || p->op != OPEN_OP)
			goto out; /* muted, or opened before we attached */
		/* A write open on /proc (sysctl, another process's mem) is also an activity. */
		struct inode *winode = MAMORI_WFIELD(&fw, file, struct file, f_inode);
		if (winode && (watch_dev_bits(mamori_inode_dev(winode)) & WATCH_PROCFS))
			mamori_procfs_open(cfg, file, winode, true, fmode);
		if (fmode & MAMORI_FMODE_CREATED)
			op = MAMORI_FILE_CREATE;
		else if (p->flags & MAMORI_O_TRUNC)
			op = MAMORI_FILE_TRUNCATE;
		else
			op = MAMORI_FILE_OPEN_WRITE;
	}
	open_emit(cfg, file, id, op, p ? p->flags : 0, p ? p->mode : 0);
out:
	if (p)
		bpf_map_delete_elem(&mamori_pending_map, &id);
	return 0;
}

#define OPEN_EXIT(name) \
	SEC("tracepoint/syscalls/sys_exit_" #name) \
	int mamori_##name##_exit(struct trace_event_raw_sys_exit *ctx) { return open_exit(ctx); }

OPEN_EXIT(openat)
OPEN_EXIT(openat2)
OPEN_EXIT(open)
OPEN_EXIT(creat)

/*
 * The fexit tier of the open family (chosen at load where fexit attaches, SensorProgram):
 * one program after security_file_open, once every LSM has allowed the open, on the struct
 * file being opened. It replaces the eight open/openat/openat2/creat tracepoints above (their
 * autoload is turned off): no argument save, no fd-table walk, no user-path TOCTOU, and opens
 * that bypass the syscalls (io_uring, kernel-internal opens of user tasks) are seen too.
 * Read-only opens without watches exit after one direct load of f_mode.
 * Skipped: failed LSM verdicts (ret != 0), kernel threads, exec's own open of the binary
 * (FMODE_EXEC; the exec record covers it) and stacked file systems' inner opens of the backing
 * file (overlayfs opens the upper/lower file again with the overlay's path: there f_inode is
 * not the inode of f_path, and the outer open was already reported).
 * Differences from the syscall tier: the record's mode is the created inode's permission bits
 * (after umask) instead of the mode argument, 0 when nothing was created; an open that fails
 * after the LSM check (the file system's own ->open, O_TRUNC's truncate) is still reported.
 */
#define PF_KTHREAD_ 0x00200000
#define FMODE_EXEC_ 0x20

SEC("fexit/security_file_open")
int BPF_PROG(mamori_file_open_fexit, struct file *file, int ret)
{
	struct mamori_config *cfg;
	struct mamori_window fw;
	__u64 id;
	__u32 fmode, fflags, mode = 0;
	__u16 op;

	if (ret)
		return 0;
	fmode = file->f_mode;
	cfg = mamori_config();
	if (!cfg || !(cfg->flags & MAMORI_CFG_FILE_EVENTS))
		return 0;
	if (!(fmode & MAMORI_FMODE_WRITE) && !(cfg->flags & MAMORI_CFG_HAS_WATCHES))
		return 0;
	if (fmode & FMODE_EXEC_)
		return 0;
	if (bpf_get_current_task_btf()->flags & PF_KTHREAD_)
		return 0;
	if (file->f_path.dentry->d_inode != file->f_inode)
		return 0;
	id = bpf_get_current_pid_tgid();
	if (!mamori_window_read(&fw, file))
		return 0;
	if (!(fmode & MAMORI_FMODE_WRITE)) {
		if (!watched(cfg, file, &fw, fmode) || mamori_is_muted(cfg, id >> 32))
			return 0;
		op = MAMORI_FILE_OPEN_READ;
	} else {
		if (mamori_is_muted(cfg, id >> 32))
			return 0;
		struct inode *winode = file->f_inode;
		if (winode && (watch_dev_bits(mamori_inode_dev(winode)) & WATCH_PROCFS))
			mamori_procfs_open(cfg, file, winode, true, fmode);
		fflags = file->f_flags;
		if (fmode & MAMORI_FMODE_CREATED) {
			op = MAMORI_FILE_CREATE;
			mode = file->f_inode->i_mode & 07777;
		} else if (fflags & MAMORI_O_TRUNC) {
			op = MAMORI_FILE_TRUNCATE;
		} else {
			op = MAMORI_FILE_OPEN_WRITE;
		}
	}
	open_emit(cfg, file, id, op, file->f_flags, mode);
	return 0;
}

/* ---------- path operations: rename, unlink, chmod, chown, truncate ---------- */

#define SAVE(...) ({ struct mamori_pending p = {__VA_ARGS__}; save(&p); })

SEC("tracepoint/syscalls/sys_enter_rename")
int mamori_rename_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_RENAME, .fd1 = MAMORI_AT_FDCWD, .ptr1 = c->args[0], .fd2 = MAMORI_AT_FDCWD, .ptr2 = c->args[1]); }
SEC("tracepoint/syscalls/sys_enter_renameat")
int mamori_renameat_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_RENAME, .fd1 = (int)c->args[0], .ptr1 = c->args[1], .fd2 = (int)c->args[2], .ptr2 = c->args[3]); }
SEC("tracepoint/syscalls/sys_enter_renameat2")
int mamori_renameat2_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_RENAME, .fd1 = (int)c->args[0], .ptr1 = c->args[1], .fd2 = (int)c->args[2], .ptr2 = c->args[3]); }
SEC("tracepoint/syscalls/sys_enter_unlink")
int mamori_unlink_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_UNLINK, .fd1 = MAMORI_AT_FDCWD, .ptr1 = c->args[0]); }
SEC("tracepoint/syscalls/sys_enter_unlinkat")
int mamori_unlinkat_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_UNLINK, .fd1 = (int)c->args[0], .ptr1 = c->args[1], .flags = (__u32)c->args[2]); }
SEC("tracepoint/syscalls/sys_enter_chmod")
int mamori_chmod_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHMOD, .fd1 = MAMORI_AT_FDCWD, .ptr1 = c->args[0], .mode = (__u32)c->args[1]); }
SEC("tracepoint/syscalls/sys_enter_fchmodat")
int mamori_fchmodat_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHMOD, .fd1 = (int)c->args[0], .ptr1 = c->args[1], .mode = (__u32)c->args[2]); }
SEC("tracepoint/syscalls/sys_enter_fchmodat2")
int mamori_fchmodat2_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHMOD, .fd1 = (int)c->args[0], .ptr1 = c->args[1], .mode = (__u32)c->args[2]); }
SEC("tracepoint/syscalls/sys_enter_fchmod")
int mamori_fchmod_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHMOD, .fd1 = (int)c->args[0], .ptr1 = 0, .mode = (__u32)c->args[1]); }
SEC("tracepoint/syscalls/sys_enter_chown")
int mamori_chown_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHOWN, .fd1 = MAMORI_AT_FDCWD, .ptr1 = c->args[0], .uid = (__u32)c->args[1], .gid = (__u32)c->args[2]); }
SEC("tracepoint/syscalls/sys_enter_lchown")
int mamori_lchown_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHOWN, .fd1 = MAMORI_AT_FDCWD, .ptr1 = c->args[0], .uid = (__u32)c->args[1], .gid = (__u32)c->args[2]); }
SEC("tracepoint/syscalls/sys_enter_fchownat")
int mamori_fchownat_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHOWN, .fd1 = (int)c->args[0], .ptr1 = c->args[1], .uid = (__u32)c->args[2], .gid = (__u32)c->args[3]); }
SEC("tracepoint/syscalls/sys_enter_fchown")
int mamori_fchown_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_CHOWN, .fd1 = (int)c->args[0], .ptr1 = 0, .uid = (__u32)c->args[1], .gid = (__u32)c->args[2]); }
SEC("tracepoint/syscalls/sys_enter_truncate")
int mamori_truncate_enter(struct trace_event_raw_sys_enter *c)
{ return SAVE(.op = MAMORI_FILE_TRUNCATE, .fd1 = MAMORI_AT_FDCWD, .ptr1 = c->args[0]); }

/* Exit of every path operation: resolve the saved arguments and emit. */
MAMORI_ALWAYS int path_op_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct task_struct *task;
	struct mamori_pending *p;
	struct mamori_file *f;
	__u64 id = bpf_get_current_pid_tgid();
	bool cut = false, rel = false;
	char *data;

	if (!cfg)
		return 0;
	p = bpf_map_lookup_elem(&mamori_pending_map, &id);
	if (!p || p->op == OPEN_OP || p->op < MAMORI_FILE_RENAME || p->op > MAMORI_FILE_CHOWN) {
		if (!p || p->op != MAMORI_FILE_TRUNCATE)
			return 0;
	}
	if (ctx->ret != 0 && !(cfg->flags & MAMORI_CFG_REPORT_FAILED))
		goto out;
	task = (struct task_struct *)bpf_get_current_task();
	if (mamori_uid_over_budget(task, bpf_ktime_get_boot_ns(), 1))
		goto out;
	f = mamori_scratch();
	if (!f)
		goto out;
	data = (char *)f + FILE_DATA_OFF;
	__builtin_memset(f, 0, sizeof(*f));
	f->op = p->op;
	f->result = (__s32)ctx->ret;
	f->mode = p->mode;
	f->open_flags = 0;
	f->owner_uid = p->op == MAMORI_FILE_CHOWN ? p->uid : 0xffffffff;
	f->owner_gid = p->op == MAMORI_FILE_CHOWN ? p->gid : 0xffffffff;

	if (!p->ptr1) {
		/* fchmod/fchown: the fd itself. */
		struct file *file = mamori_fd_file(task, p->fd1);
		if (!file)
			goto out;
		struct inode *inode = BPF_CORE_READ(file, f_inode);
		f->ino = BPF_CORE_READ(inode, i_ino);
		f->dev = mamori_inode_dev(inode);
		if (ctx->ret == 0) {
			long repeats = repeat_gate(cfg, id >> 32, f->op, f->dev, f->ino, inode, bpf_ktime_get_boot_ns());
			if (repeats < 0)
				goto out;
			f->repeat_count = (__u32)repeats;
		}
		struct path *fp = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
		f->path_len = mamori_copy_path(data, fp, &cut) & MAMORI_PATH_MASK;
	} else {
		f->path_len = mamori_copy_at_path(data, task, p->fd1, (const char *)p->ptr1, &cut, &rel) &
			      MAMORI_PATH_MASK;
	}
	if (cut)
		f->flags |= MAMORI_FILE_PATH_TRUNCATED;
	if (rel)
		f->flags |= MAMORI_FILE_PATH_RELATIVE;
	if (p->op == MAMORI_FILE_RENAME) {
		__u32 off = f->path_len & MAMORI_PATH_MASK;
		f->path2_len = mamori_copy_at_path(&data[off], task, p->fd2, (const char *)p->ptr2, &cut, &rel) &
			       MAMORI_PATH_MASK;
		if (cut)
			f->flags |= MAMORI_FILE_PATH2_TRUNCATED;
		if (rel)
			f->flags |= MAMORI_FILE_PATH2_RELATIVE;
	}
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 size = FILE_DATA_OFF + (f->path_len & MAMORI_PATH_MASK) + (f->path2_len & MAMORI_PATH_MASK);
	mamori_fill_subject(&f->subj, task);
	mamori_fill_header(&f->hdr, MAMORI_KIND_FILE, size, task, now);
	mamori_output(cfg, MAMORI_LANE_BULK, MAMORI_KIND_FILE, f, size, now);
out:
	bpf_map_delete_elem(&mamori_pending_map, &id);
	return 0;
}

#define PATH_EXIT(name) \
	SEC("tracepoint/syscalls/sys_exit_" #name) \
	int mamori_##name##_exit(struct trace_event_raw_sys_exit *ctx) { return path_op_exit(ctx); }

PATH_EXIT(rename)
PATH_EXIT(renameat)
PATH_EXIT(renameat2)
PATH_EXIT(unlink)
PATH_EXIT(unlinkat)
PATH_EXIT(chmod)
PATH_EXIT(fchmodat)
PATH_EXIT(fchmodat2)
PATH_EXIT(fchmod)
PATH_EXIT(chown)
PATH_EXIT(lchown)
PATH_EXIT(fchownat)
PATH_EXIT(fchown)
PATH_EXIT(truncate)
