// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process lifecycle: exec, fork (new thread groups only) and exit (last thread of a group).
 *
 * Hooks: tp_btf/sched_process_exec, tp_btf/sched_process_fork, tp_btf/sched_process_exit
 *        (BTF-typed raw tracepoints: kernels >= 5.5; no kprobe/fentry needed).
 * Emits: struct mamori_exec / mamori_fork / mamori_exit into the priority lane.
 * Bounds: exe and cwd paths walk at most MAMORI_PATH_DEPTH dentries into MAMORI_PATH_MAX bytes;
 *         argv copies at most MAMORI_ARGS_MAX bytes (flagged when cut); the environment scan
 *         looks at MAMORI_ENV_SCAN_VARS entries and keeps MAMORI_ENV_ENTRIES.
 * Cost: the environment scan adds 1.1-1.3 µs per exec (docs/kernel.md, tools/exec-env-cost.py).
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/path.h"

char LICENSE[] SEC("license") = "GPL";

#define EXEC_DATA_OFF sizeof(struct mamori_exec)

/* Controlling terminal: driver name ("pts", "tty") and index. */
MAMORI_ALWAYS void exec_fill_tty(struct mamori_exec *e, struct task_struct *task)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	const char *name;
	if (!tty)
		return;
	e->tty_index = BPF_CORE_READ(tty, index) + BPF_CORE_READ(tty, driver, name_base);
	name = BPF_CORE_READ(tty, driver, name);
	if (name)
		bpf_probe_read_kernel_str(e->tty_driver, sizeof(e->tty_driver), name);
	e->flags |= MAMORI_EXEC_HAS_TTY;
}

/* Session id as seen from the initial pid namespace (task->signal->pids[PIDTYPE_SID]). */
MAMORI_ALWAYS __u32 exec_session_id(struct task_struct *task)
{
	struct pid *sid = BPF_CORE_READ(task, signal, pids[PIDTYPE_SID]);
	if (!sid)
		return 0;
	return BPF_CORE_READ(sid, numbers[0].nr);
}

/*
 * File types of fds 0-2, and the pipefs inode number of those that are pipes (so userspace can
 * join the writer and the reader of one pipe). `task` is BTF-typed (tp_btf argument), so the fd
 * table is reached with direct loads and the three slots come in one read; a pipe costs one
 * more read of i_ino, other types nothing.
 */
MAMORI_ALWAYS void exec_fill_stdio(struct mamori_exec *e, struct task_struct *task)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *std[3] = {};
	for (int fd = 0; fd < 3; fd++) {
		e->stdio_type[fd] = 0;
		e->stdio_ino[fd] = 0;
	}
	if (!fdt || fdt->max_fds < 3 || bpf_probe_read_kernel(std, sizeof(std), fdt->fd))
		return;
	for (int fd = 0; fd < 3; fd++) {
		struct inode *inode = std[fd] ? BPF_CORE_READ(std[fd], f_inode) : NULL;
		__u16 type = inode ? (BPF_CORE_READ(inode, i_mode) >> 12) & 0xf : 0;
		e->stdio_type[fd] = type;
		e->stdio_ino[fd] = type == MAMORI_FT_FIFO ? BPF_CORE_READ(inode, i_ino) : 0;
	}
}

/*
 * Loader variables of the new environment (LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH): a library
 * injected through the environment leaves no trace in argv. At sched_process_exec the new
 * stack is as the kernel built it (argc, argv[], NULL, envp[], NULL) and the process has not
 * run yet, so the pointers and strings cannot be changed under the scan.
 *
 * Cost bound: one read of at most MAMORI_ENV_SCAN_VARS envp pointers, one read of at most
 * ENV_WINDOW bytes of the string block, then per variable two 8-byte compares (a 16-byte user
 * read only for a variable past the window). Only matching entries are copied (at most
 * MAMORI_ENV_ENTRIES, MAMORI_ENV_ENTRY_MAX bytes each). A process whose environment has no
 * loader variable costs the scan and adds nothing to the record.
 */
#define ENV_WINDOW 4096
#define ENV_OUT_MASK 1023 /* entries total at most MAMORI_ENV_ENTRIES * MAMORI_ENV_ENTRY_MAX */
#define ENV_SCRATCH_OFF 20480 /* window, then pointers: past any exec record (< 17 KiB) */
#define ENV_PTRS_OFF (ENV_SCRATCH_OFF + ENV_WINDOW + 16)
#define U64_CHARS(a, b, c, d, e, f, g, h) \
	((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 | \
	 (__u64)(e) << 32 | (__u64)(f) << 40 | (__u64)(g) << 48 | (__u64)(h) << 56)
#define ENV_LD_PRELO U64_CHARS('L', 'D', '_', 'P', 'R', 'E', 'L', 'O')
#define ENV_LD_AUDIT U64_CHARS('L', 'D', '_', 'A', 'U', 'D', 'I', 'T')
#define ENV_LD_LIBRA U64_CHARS('L', 'D', '_', 'L', 'I', 'B', 'R', 'A')
#define ENV_RY_PATH_ U64_CHARS('R', 'Y', '_', 'P', 'A', 'T', 'H', '=')

MAMORI_ALWAYS bool env_is_loader_var(__u64 a, __u64 b)
{
	if ((a & 0xffffff) != U64_CHARS('L', 'D', '_', 0, 0, 0, 0, 0))
		return false;
	return (a == ENV_LD_PRELO && (b & 0xffffff) == U64_CHARS('A', 'D', '=', 0, 0, 0, 0, 0)) ||
	       (a == ENV_LD_AUDIT && (b & 0xff) == '=') ||
	       (a == ENV_LD_LIBRA && b == ENV_RY_PATH_);
}

/* Copies one "NAME=value" entry (NUL included) from user pointer p to out[pos]. */
MAMORI_ALWAYS __u32 env_copy_entry(struct mamori_exec *e, char *out, __u32 pos, __u64 p, __u32 *count)
{
	if (!p)
		return pos;
	long n = bpf_probe_read_user_str(&out[pos & ENV_OUT_MASK], MAMORI_ENV_ENTRY_MAX, (void *)p);
	if (n <= 0)
		return pos;
	if (n == MAMORI_ENV_ENTRY_MAX)
		e->flags |= MAMORI_EXEC_ENV_TRUNCATED;
	*count += 1;
	return (pos & ENV_OUT_MASK) + ((__u32)n & (MAMORI_ENV_ENTRY_MAX * 2 - 1));
}

/* Read-only bounds of the environment scan, passed to its bpf_loop callback on the stack. */
struct env_scan {
	__u64 env_start, env_end, wlen;
};

/*
 * What the scan finds lives in the scratch map, not on the stack. Verifiers before 6.7 walk a
 * bpf_loop callback as if it ran once: state the callback writes through a stack pointer comes
 * back to the caller as if only the first iteration had happened, so `found[1]` stays the
 * constant 0 it was initialised to, and the copy of a second match is pruned as dead code (on
 * 6.1 only the first loader variable was ever reported). Map memory is never tracked as a
 * constant, so results written there survive any number of iterations.
 */
struct env_found {
	__u64 ptr[4];            /* MAMORI_ENV_ENTRIES used, one spare for the index mask */
	__u32 count;
	__u8 ended, extra;
};
#define ENV_FOUND_OFF (ENV_PTRS_OFF + MAMORI_ENV_SCAN_VARS * 8 * 2)
_Static_assert(ENV_FOUND_OFF + sizeof(struct env_found) <= MAMORI_SCRATCH_SIZE, "env scan state past the scratch record");

MAMORI_ALWAYS struct env_found *env_found_slot(char *base)
{
	return (struct env_found *)(base + ENV_FOUND_OFF);
}

/* One envp entry: stop at the NULL terminator or a pointer outside the strings; keep the
 * pointer of a loader variable. */
static long env_scan_one(__u64 i, struct env_scan *c)
{
	char *base = mamori_scratch();
	if (!base)
		return 1;
	struct env_found *f = env_found_slot(base);
	__u64 p = *(__u64 *)(base + ENV_PTRS_OFF + ((i & (MAMORI_ENV_SCAN_VARS - 1)) * 8));
	if (!p) {
		f->ended = 1;
		return 1;
	}
	if (p < c->env_start || p >= c->env_end)
		return 1;
	__u64 off = p - c->env_start;
	__u64 pre[2] = {};
	if (off + 16 <= c->wlen) {
		/* Unaligned 8-byte loads from the map value (no strict alignment on x86/arm64). */
		const __u64 *w = (const __u64 *)(base + ENV_SCRATCH_OFF + (off & (ENV_WINDOW - 1)));
		pre[0] = w[0];
		pre[1] = w[1];
	} else if (bpf_probe_read_user(pre, sizeof(pre), (void *)p)) {
		return 0;
	}
	if (!env_is_loader_var(pre[0], pre[1]))
		return 0;
	__u32 n = f->count;
	if (n >= MAMORI_ENV_ENTRIES) {
		f->extra = 1;
		return 0;
	}
	f->ptr[n & 3] = p;
	f->count = n + 1;
	return 0;
}

/*
 * Appends the loader entries of the current task's new environment at byte `out_off` of the
 * per-CPU scratch record (the exec record being built there); returns their byte count.
 *
 * A global (non-inlined) function on purpose: the verifier checks it once, on its own, instead
 * of once per state the exe/cwd path walks leave behind in mamori_exec (inlined, the scan
 * multiplied those states past the 1M-instruction budget). Hence scalar arguments only: the
 * scratch record and the task are fetched here.
 */
__noinline int mamori_exec_scan_env(__u32 out_off)
{
	void *base = mamori_scratch();
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	if (!base)
		return 0;
	struct mamori_exec *e = base;
	char *out = (char *)base + EXEC_DATA_OFF + (out_off & (4 * MAMORI_PATH_MAX - 1));
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	char *win = (char *)base + ENV_SCRATCH_OFF;
	__u64 *ptrs = (__u64 *)((char *)base + ENV_PTRS_OFF);
	__u64 argc = 0;
	__u32 pos = 0, count = 0;

	if (!mm)
		return 0;
	unsigned long env_start = BPF_CORE_READ(mm, env_start), env_end = BPF_CORE_READ(mm, env_end);
	unsigned long stack = BPF_CORE_READ(mm, start_stack);
	if (env_end <= env_start)
		return 0;
	__u64 span = env_end - env_start;
	/* The ELF loader leaves mm->start_stack at argc; anything else is not scanned. */
	if (bpf_probe_read_user(&argc, sizeof(argc), (void *)stack) || argc != e->argc || argc > 0xffff) {
		e->flags |= MAMORI_EXEC_ENV_UNSCANNED;
		return 0;
	}
	unsigned long envp = stack + 8 * (argc + 2);
	if (envp >= env_start) {
		e->flags |= MAMORI_EXEC_ENV_UNSCANNED;
		return 0;
	}
	/* The pointer array ends below the strings; never read past env_end. */
	__u64 plen = env_end - envp;
	if (plen > MAMORI_ENV_SCAN_VARS * 8)
		plen = MAMORI_ENV_SCAN_VARS * 8;
	plen &= (MAMORI_ENV_SCAN_VARS * 8 * 2 - 1);
	if (plen < 8 || bpf_probe_read_user(ptrs, plen, (void *)envp)) {
		e->flags |= MAMORI_EXEC_ENV_UNSCANNED;
		return 0;
	}
	__u64 wlen = span < ENV_WINDOW ? span : ENV_WINDOW;
	wlen &= (ENV_WINDOW * 2 - 1);
	if (wlen && bpf_probe_read_user(win, wlen, (void *)env_start))
		wlen = 0;
	struct env_scan c = {.env_start = env_start, .env_end = env_end, .wlen = wlen};
	struct env_found *found = env_found_slot(base);
	__builtin_memset(found, 0, sizeof(*found));
	/* Pass 1 (bpf_loop, 5.17+: its callback is verified once, not once per iteration) finds at
	 * most MAMORI_ENV_ENTRIES matching entries and keeps their user pointers; pass 2 copies
	 * them. A kernel without bpf_loop does not scan (flagged ENV_UNSCANNED). */
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop))
		bpf_loop(plen / 8, env_scan_one, &c, 0);
	bool ended = found->ended, extra = found->extra;
	__u64 f0 = found->ptr[0], f1 = found->ptr[1], f2 = found->ptr[2];
	if (!ended)
		e->flags |= MAMORI_EXEC_ENV_UNSCANNED;
	if (extra)
		e->flags |= MAMORI_EXEC_ENV_TRUNCATED;
	pos = env_copy_entry(e, out, 0, f0, &count);
	pos = env_copy_entry(e, out, pos, f1, &count);
	pos = env_copy_entry(e, out, pos, f2, &count);
	e->env_count = count;
	return pos;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(mamori_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct mamori_config *cfg = mamori_config();
	__u64 now = bpf_ktime_get_boot_ns();
	struct mamori_exec *e;
	char *data;
	bool cut = false;
	__u32 off, len;

	if (!cfg || mamori_is_muted(cfg, bpf_get_current_pid_tgid() >> 32))
		return 0;
	e = mamori_scratch();
	if (!e)
		return 0;
	data = (char *)e + EXEC_DATA_OFF;

	mamori_fill_subject(&e->subj, task);
	e->parent_start_boottime_ns = mamori_group_start(BPF_CORE_READ(task, real_parent));
	e->flags = 0;
	e->egid = BPF_CORE_READ(task, cred, egid.val);
	e->loginuid = 0xffffffff;
	if (bpf_core_field_exists(task->loginuid))
		e->loginuid = BPF_CORE_READ(task, loginuid.val);
	e->sid = exec_session_id(task);
	e->tty_index = 0;
	__builtin_memset(e->tty_driver, 0, sizeof(e->tty_driver));
	exec_fill_tty(e, task);
	e->argc = BPF_CORE_READ(bprm, argc);
	exec_fill_stdio(e, task);

	/* Executable: the file actually mapped, so a relative or symlinked name is resolved. */
	struct file *file = BPF_CORE_READ(bprm, file);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	e->exe_ino = BPF_CORE_READ(inode, i_ino);
	e->exe_dev = mamori_inode_dev(inode);
	struct path *fpath = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
	len = mamori_copy_path(data, fpath, &cut) & MAMORI_PATH_MASK;
	e->exe_len = len;
	if (cut)
		e->flags |= MAMORI_EXEC_EXE_TRUNCATED;
	/* Fileless: an executable with no link left (deleted before the exec, or a memfd). A
	 * memfd's dentry is a detached pseudo dentry "memfd:<name>" (its own parent), so the walk
	 * yields only "/": the name is then read directly. */
	if (BPF_CORE_READ(inode, __i_nlink) == 0) {
		e->flags |= MAMORI_EXEC_EXE_DELETED;
		if (len <= 1) {
			const unsigned char *dn = BPF_CORE_READ(file, f_path.dentry, d_name.name);
			data[0] = '/';
			long n = bpf_probe_read_kernel_str(&data[1], 256, dn);
			len = n > 1 ? (__u32)n : 1; /* "/" + name, without the NUL */
			len &= MAMORI_PATH_MASK;
			e->exe_len = len;
		}
		if (len >= 7 && data[0] == '/' && data[1] == 'm' && data[2] == 'e' && data[3] == 'm' &&
		    data[4] == 'f' && data[5] == 'd' && data[6] == ':')
			e->flags |= MAMORI_EXEC_EXE_MEMFD;
	}
	off = len;

	/* argv: one bounded copy of the NUL-separated block at the top of the new stack. */
	unsigned long arg_start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(task, mm, arg_end);
	__u64 alen = arg_end > arg_start ? arg_end - arg_start : 0;
	if (alen > MAMORI_ARGS_MAX - 1) {
		alen = MAMORI_ARGS_MAX - 1;
		e->flags |= MAMORI_EXEC_ARGS_TRUNCATED;
	}
	alen &= MAMORI_ARGS_MASK;
	if (bpf_probe_read_user(&data[off & MAMORI_PATH_MASK], alen, (void *)arg_start)) {
		alen = 0;
		e->flags |= MAMORI_EXEC_ARGS_FAULT;
	}
	e->args_len = alen;
	off = (off & MAMORI_PATH_MASK) + alen;

	/* Working directory. */
	struct path *pwd = (struct path *)((void *)BPF_CORE_READ(task, fs) +
					   bpf_core_field_offset(struct fs_struct, pwd));
	len = mamori_copy_path(&data[off & (2 * MAMORI_PATH_MAX - 1)], pwd, &cut) & MAMORI_PATH_MASK;
	e->cwd_len = len;
	if (cut)
		e->flags |= MAMORI_EXEC_CWD_TRUNCATED;
	off = (off & (2 * MAMORI_PATH_MAX - 1)) + len;

	/* Loader variables of the new environment (after cwd). */
	e->env_count = 0;
	e->_pad1 = 0;
	len = (__u32)mamori_exec_scan_env(off & (4 * MAMORI_PATH_MAX - 1));
	len &= ENV_OUT_MASK;
	e->env_len = len;
	off = (off & (4 * MAMORI_PATH_MAX - 1)) + len;

	__u32 size = EXEC_DATA_OFF + off;
	mamori_fill_header(&e->hdr, MAMORI_KIND_EXEC, size, task, now);
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_EXEC, e, size, now);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(mamori_fork, struct task_struct *parent, struct task_struct *child)
{
	struct mamori_config *cfg = mamori_config();
	__u64 now = bpf_ktime_get_boot_ns();
	struct mamori_fork f = {};
	__u32 tgid = BPF_CORE_READ(child, tgid);

	if (!cfg || BPF_CORE_READ(child, pid) != tgid) /* a thread, not a process */
		return 0;
	if (mamori_is_muted(cfg, bpf_get_current_pid_tgid() >> 32))
		return 0;
	mamori_fill_subject(&f.subj, parent);
	f.subj.ppid = BPF_CORE_READ(parent, tgid);
	f.parent_tgid = f.subj.ppid;
	f.parent_start_boottime_ns = mamori_group_start(parent);
	f.hdr.kind = MAMORI_KIND_FORK;
	f.hdr.version = MAMORI_ABI_VERSION;
	f.hdr.size = sizeof(f);
	f.hdr.ktime_ns = now;
	f.hdr.tgid = tgid;
	f.hdr.pid = tgid;
	f.hdr.start_boottime_ns = BPF_CORE_READ(child, start_boottime);
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_FORK, &f, sizeof(f), now);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(mamori_exit, struct task_struct *task)
{
	struct mamori_config *cfg = mamori_config();
	__u64 now = bpf_ktime_get_boot_ns();
	struct mamori_exit x = {};

	if (!cfg || mamori_is_muted(cfg, bpf_get_current_pid_tgid() >> 32))
		return 0;
	/* Only the last thread of the group: signal->live already counts this one out. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	mamori_fill_subject(&x.subj, task);
	x.exit_code = BPF_CORE_READ(task, exit_code);
	mamori_fill_header(&x.hdr, MAMORI_KIND_EXIT, sizeof(x), task, now);
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_EXIT, &x, sizeof(x), now);
	return 0;
}
