/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The exec decision shared by the exec-time SIGKILL fallback (prevent_exec.bpf.c) and the BPF
 * LSM (prevent_lsm.bpf.c): does the file about to run match mamori_exec_policy?
 *
 * Checked in order: the file's own inode (FILE; SHELL when the scope is a DAEMON), then every
 * ancestor directory (TREE), walking d_parent and hopping to the parent mount at a mount root,
 * at most MAMORI_EXEC_TREE_DEPTH steps (a deeper denied directory is not seen); only when
 * MAMORI_CFG_HAS_EXEC_TREE says a TREE entry exists.
 */
#ifndef MAMORI_EXEC_POLICY_H
#define MAMORI_EXEC_POLICY_H
#include "policy.h"

#define MAMORI_EXEC_TREE_DEPTH 32

struct mamori_exec_match {
	__u64 ino;
	__u32 dev;
	__u32 policy_id;
	__u16 reason;           /* MAMORI_WHY_*; 0 = no match */
	__u8 needed;
	__u8 _pad0;
};

MAMORI_ALWAYS struct mamori_exec_rule *mamori_exec_rule_of(struct dentry *d)
{
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	struct mamori_inode_key key = {};
	if (!inode)
		return NULL;
	key.dev = mamori_inode_dev(inode);
	key.ino = BPF_CORE_READ(inode, i_ino);
	return bpf_map_lookup_elem(&mamori_exec_policy, &key);
}

MAMORI_ALWAYS bool mamori_exec_matches(struct mamori_config *cfg, struct file *file,
				       struct mamori_eff_scope *scope, struct mamori_exec_match *m)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct mamori_inode_key key = {};
	struct mamori_exec_rule *r;

	key.dev = mamori_inode_dev(inode);
	key.ino = BPF_CORE_READ(inode, i_ino);
	m->ino = key.ino;
	m->dev = key.dev;
	m->reason = 0;
	r = bpf_map_lookup_elem(&mamori_exec_policy, &key);
	if (r && (r->flags & MAMORI_EXECP_FILE)) {
		m->reason = MAMORI_WHY_EXEC_DENYLIST;
		m->needed = r->min_level;
		m->policy_id = r->policy_id;
		return true;
	}
	if (r && (r->flags & MAMORI_EXECP_SHELL) && (scope->flags & MAMORI_SCOPE_DAEMON)) {
		m->reason = MAMORI_WHY_DAEMON_SHELL;
		m->needed = r->min_level;
		m->policy_id = r->policy_id;
		return true;
	}
	if (!(cfg->flags & MAMORI_CFG_HAS_EXEC_TREE))
		return false;

	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	for (int i = 0; i < MAMORI_EXEC_TREE_DEPTH; i++) {
		if (d == mnt_root) {
			if (mnt == mnt_parent)
				break; /* root of the namespace */
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
		} else {
			struct dentry *parent = BPF_CORE_READ(d, d_parent);
			if (parent == d)
				break;
			d = parent;
		}
		r = mamori_exec_rule_of(d);
		if (r && (r->flags & MAMORI_EXECP_TREE)) {
			m->reason = MAMORI_WHY_EXEC_DIR;
			m->needed = r->min_level;
			m->policy_id = r->policy_id;
			return true;
		}
	}
	return false;
}

/* Action record fields of an exec match. */
MAMORI_ALWAYS void mamori_exec_info(struct mamori_action_info *info, struct mamori_exec_match *m,
				    __u16 action, __u8 level)
{
	__builtin_memset(info, 0, sizeof(*info));
	info->action = action;
	info->reason = m->reason;
	info->level = level;
	info->needed_level = m->needed;
	info->policy_id = m->policy_id;
	info->ino = m->ino;
	info->dev = m->dev;
}

#endif
