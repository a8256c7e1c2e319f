// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prevention through BPF LSM, loaded only where the kernel accepts LSM programs (the loader
 * turns their autoload off otherwise, see SensorProgram):
 *   - bprm_check_security: the exec decision of lib/exec_policy.h, returning -EPERM, so the
 *     exec fails and the old image keeps running. It runs for every stage of an exec, so a
 *     #! script's own inode is checked as well as its interpreter's;
 *   - file_open (write opens), path_truncate, inode_unlink, inode_rename: modifications of
 *     the inodes in mamori_protected_files are refused with -EPERM.
 * The agent (config.self_tgid), pid 1, kernel threads and PROTECTED scopes are exempt.
 * Protected files are enforced from level 1 on; at level 0 they are reported ("would have").
 *
 * Emits: struct mamori_action (DENY_EXEC, DENY_FILE).
 * Cost when no policy exists: one config lookup per hook call.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/policy.h"
#include "lib/exec_policy.h"

char LICENSE[] SEC("license") = "GPL";

#define PROTECTED_FILE_MIN_LEVEL 1

SEC("lsm/bprm_check_security")
int BPF_PROG(mamori_lsm_exec, struct linux_binprm *bprm, int ret)
{
	struct mamori_config *cfg;
	struct mamori_eff_scope scope;
	struct mamori_exec_match m;
	struct mamori_action_info info;
	struct task_struct *task;
	struct file *file;
	bool enforce;

	if (ret)
		return ret;
	cfg = mamori_config();
	if (!cfg || !(cfg->flags & MAMORI_CFG_HAS_EXEC_POLICY))
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	if (mamori_untouchable(cfg, task))
		return 0;
	mamori_scope_of_current(cfg, &scope);
	if (scope.flags & MAMORI_SCOPE_PROTECTED)
		return 0;
	file = BPF_CORE_READ(bprm, file);
	if (!mamori_exec_matches(cfg, file, &scope, &m))
		return 0;
	mamori_exec_info(&info, &m, MAMORI_ACT_DENY_EXEC, scope.level);
	enforce = mamori_enforced(cfg, scope.level, m.needed);
	if (enforce) {
		info.flags = MAMORI_ACTF_ENFORCED;
		info.result = -MAMORI_EPERM;
	}
	struct path *fpath = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
	mamori_emit_action(cfg, &info, fpath);
	return enforce ? -MAMORI_EPERM : 0;
}

/*
 * The verdict for a modification of `inode`; `path` (may be NULL) names it in the record.
 * Returns 0 or -EPERM.
 */
MAMORI_ALWAYS int protect_inode(struct mamori_config *cfg, struct inode *inode, struct path *path)
{
	struct mamori_inode_key key = {};
	struct mamori_eff_scope scope;
	struct mamori_action_info info = {};
	__u32 *policy_id;

	if (!inode)
		return 0;
	key.dev = mamori_inode_dev(inode);
	key.ino = BPF_CORE_READ(inode, i_ino);
	policy_id = bpf_map_lookup_elem(&mamori_protected_files, &key);
	if (!policy_id)
		return 0;
	if (mamori_untouchable(cfg, (struct task_struct *)bpf_get_current_task()))
		return 0;
	mamori_scope_of_current(cfg, &scope);
	if (scope.flags & MAMORI_SCOPE_PROTECTED)
		return 0;
	info.action = MAMORI_ACT_DENY_FILE;
	info.reason = MAMORI_WHY_PROTECTED_FILE;
	info.level = scope.level;
	info.needed_level = PROTECTED_FILE_MIN_LEVEL;
	info.policy_id = *policy_id;
	info.ino = key.ino;
	info.dev = key.dev;
	if (mamori_enforced(cfg, scope.level, PROTECTED_FILE_MIN_LEVEL)) {
		info.flags = MAMORI_ACTF_ENFORCED;
		info.result = -MAMORI_EPERM;
	}
	mamori_emit_action(cfg, &info, path);
	return info.result;
}

MAMORI_ALWAYS struct mamori_config *protect_config(void)
{
	struct mamori_config *cfg = mamori_config();
	if (!cfg || !(cfg->flags & MAMORI_CFG_HAS_PROTECTED))
		return NULL;
	return cfg;
}

SEC("lsm/file_open")
int BPF_PROG(mamori_lsm_file_open, struct file *file, int ret)
{
	struct mamori_config *cfg;
	if (ret)
		return ret;
	cfg = protect_config();
	if (!cfg || !(BPF_CORE_READ(file, f_mode) & MAMORI_FMODE_WRITE))
		return 0;
	struct path *fpath = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
	return protect_inode(cfg, BPF_CORE_READ(file, f_inode), fpath);
}

SEC("lsm/path_truncate")
int BPF_PROG(mamori_lsm_truncate, const struct path *path, int ret)
{
	struct mamori_config *cfg;
	if (ret)
		return ret;
	cfg = protect_config();
	if (!cfg)
		return 0;
	return protect_inode(cfg, BPF_CORE_READ(path, dentry, d_inode), (struct path *)path);
}

SEC("lsm/inode_unlink")
int BPF_PROG(mamori_lsm_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	struct mamori_config *cfg;
	if (ret)
		return ret;
	cfg = protect_config();
	if (!cfg)
		return 0;
	return protect_inode(cfg, BPF_CORE_READ(dentry, d_inode), NULL);
}

/* Renaming a protected file away, or over it, are both modifications. */
SEC("lsm/inode_rename")
int BPF_PROG(mamori_lsm_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	struct mamori_config *cfg;
	int err;
	if (ret)
		return ret;
	cfg = protect_config();
	if (!cfg)
		return 0;
	err = protect_inode(cfg, BPF_CORE_READ(old_dentry, d_inode), NULL);
	if (err)
		return err;
	return protect_inode(cfg, BPF_CORE_READ(new_dentry, d_inode), NULL);
}
