/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Absolute paths in the kernel without bpf_d_path (which tracepoints may not call): walk the
 * dentry chain up to the mount root, hop to the parent mount, repeat, prepending names into a
 * per-CPU buffer. Bounded by MAMORI_PATH_DEPTH components and MAMORI_PATH_MAX bytes; deeper or
 * longer paths keep their tail and are flagged truncated. Unlike d_path this does not stop at
 * the task's chroot: paths are relative to the mount namespace root.
 */
#ifndef MAMORI_PATH_H
#define MAMORI_PATH_H
#include "maps.h"
#include "task.h"

MAMORI_ALWAYS struct mamori_path_buf *mamori_path_buf(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&mamori_path_map, &zero);
}

/*
 * Resolve (dentry, vfsmount) into pb->buf. On return the path occupies
 * buf[*start .. MAMORI_PATH_MAX - 1) (no NUL); the return value is its length.
 */
MAMORI_ALWAYS __u32 mamori_walk(struct mamori_path_buf *pb, struct dentry *dentry,
				struct vfsmount *vfsmnt, __u32 *start, bool *truncated)
{
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	__u32 off;
	/*
	 * The write offset lives in map memory on purpose: the verifier then treats it as an
	 * unknown scalar (bounded by masks at each use) instead of tracking a distinct range per
	 * iteration, which would explode the state space.
	 */
	pb->off = MAMORI_PATH_MAX - 1;
	pb->cut = 0;

	for (int i = 0; i < MAMORI_PATH_DEPTH; i++) {
		if (dentry == mnt_root) {
			if (mnt == mnt_parent)
				break; /* root of the namespace */
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
			continue;
		}
		/* One window read gives parent, name and length (three helper calls before). */
		struct mamori_window w;
		if (!mamori_window_read(&w, dentry))
			break;
		struct dentry *parent = MAMORI_WFIELD(&w, dentry, struct dentry, d_parent);
		if (dentry == parent)
			break; /* root of a detached tree */
		const unsigned char *name = MAMORI_WFIELD(&w, dentry, struct dentry, d_name.name);
		__u32 len = MAMORI_WFIELD(&w, dentry, struct dentry, d_name.len) & MAMORI_NAME_MASK;
		off = pb->off;
		if (len + 1 > off) {
			pb->cut = 1;
			break;
		}
		off -= len + 1;
		bpf_probe_read_kernel(&pb->buf[(off + 1) & MAMORI_PATH_MASK], len, name);
		pb->buf[off & MAMORI_PATH_MASK] = '/';
		pb->off = off;
		dentry = parent;
		if (i == MAMORI_PATH_DEPTH - 1)
			pb->cut = 1;
	}
	off = pb->off;
	if (off >= MAMORI_PATH_MAX - 1) {
		off = MAMORI_PATH_MAX - 2;
		pb->buf[off & MAMORI_PATH_MASK] = '/';
	}
	*truncated = pb->cut != 0;
	*start = off & MAMORI_PATH_MASK;
	return (MAMORI_PATH_MAX - 1 - off) & MAMORI_PATH_MASK;
}

/* Copy a resolved path (struct path) into dst; returns bytes written (< MAMORI_PATH_MAX). */
MAMORI_ALWAYS __u32 mamori_copy_path(char *dst, struct path *path, bool *truncated)
{
	struct mamori_path_buf *pb = mamori_path_buf();
	__u32 start = 0, len;
	if (!pb)
		return 0;
	len = mamori_walk(pb, BPF_CORE_READ(path, dentry), BPF_CORE_READ(path, mnt), &start, truncated);
	/* Opaque to clang so the mask survives: it otherwise folds (4095 - off) & 4095 into an
	 * XOR that older verifiers (6.1) cannot bound. */
	barrier_var(len);
	len &= MAMORI_PATH_MASK;
	bpf_probe_read_kernel(dst, len, &pb->buf[start & MAMORI_PATH_MASK]);
	return len;
}

/*
 * Absolute form of a (dirfd, user path) pair as passed to the *at() syscalls, written to dst
 * (which must have 2 * MAMORI_PATH_MAX bytes of room). Absolute user paths are copied as they
 * are; relative ones are appended to the directory's resolved path (cwd for AT_FDCWD). When the
 * directory cannot be resolved the user path is copied and *relative is set.
 * Returns the length (< MAMORI_PATH_MAX); `..` components are left for userspace to fold.
 */
MAMORI_ALWAYS __u32 mamori_copy_at_path(char *dst, struct task_struct *task, int dirfd,
					 const char *upath, bool *truncated, bool *relative)
{
	char first = 0;
	long n;
	*truncated = false;
	*relative = false;
	if (!upath || bpf_probe_read_user(&first, 1, upath))
		return 0;
	if (first != '/') {
		struct path *base = NULL;
		struct file *file;
		if (dirfd == MAMORI_AT_FDCWD) {
			base = (struct path *)((void *)BPF_CORE_READ(task, fs) +
					       bpf_core_field_offset(struct fs_struct, pwd));
		} else {
			file = mamori_fd_file(task, dirfd);
			if (file)
				base = (struct path *)((void *)file +
						       bpf_core_field_offset(struct file, f_path));
		}
		if (base) {
			__u32 dlen = mamori_copy_path(dst, base, truncated) & MAMORI_PATH_MASK;
			if (dlen == 1)
				dlen = 0; /* "/" + "/" + name would double the slash */
			dst[dlen & MAMORI_PATH_MASK] = '/';
			dlen = (dlen + 1) & MAMORI_PATH_MASK;
			__u32 room = (MAMORI_PATH_MAX - 1 - dlen) & MAMORI_PATH_MASK;
			n = bpf_probe_read_user_str(&dst[dlen], room, upath);
			if (n <= 0)
				return dlen;
			if ((__u32)n >= room && room > 0)
				*truncated = true;
			return (dlen + (__u32)n - 1) & MAMORI_PATH_MASK;
		}
		*relative = true;
	}
	n = bpf_probe_read_user_str(dst, MAMORI_PATH_MAX - 1, upath);
	if (n <= 0)
		return 0;
	if (n >= MAMORI_PATH_MAX - 1)
		*truncated = true;
	return ((__u32)n - 1) & MAMORI_PATH_MASK;
}

#endif
