// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exec prevention without BPF LSM: a process whose new image matches mamori_exec_policy gets
 * SIGKILL from the exec hook itself, so it dies before its first user instruction (the signal
 * is pending when the kernel returns to user mode). Also maintains the egress tag of processes
 * running tagged executables (mamori_task_tag): set at exec, inherited by forks, cleared at exec
 * of an untagged image and at exit.
 *
 * Hooks: tp_btf/sched_process_exec, tp_btf/sched_process_fork, tp_btf/sched_process_exit.
 * Emits: struct mamori_action (KILL_EXEC; without ENFORCED below the entry's level).
 * Limits: the image is what the kernel maps: for a #! script that is the interpreter, so a
 *         script's own inode is only seen by the LSM path (bprm_check_security).
 * Idle when MAMORI_CFG_LSM_EXEC is set (the LSM program denies exec with EPERM instead).
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/policy.h"
#include "lib/exec_policy.h"

char LICENSE[] SEC("license") = "GPL";

/* Tag (or untag) the current process from the image it now runs. */
MAMORI_ALWAYS void prevent_tag_exec(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct mamori_inode_key key = {};
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 *tag;

	key.dev = mamori_inode_dev(inode);
	key.ino = BPF_CORE_READ(inode, i_ino);
	tag = bpf_map_lookup_elem(&mamori_tagged_exec, &key);
	if (tag)
		bpf_map_update_elem(&mamori_task_tag, &tgid, tag, BPF_ANY);
	else if (bpf_map_lookup_elem(&mamori_task_tag, &tgid))
		bpf_map_delete_elem(&mamori_task_tag, &tgid); /* a lookup is far cheaper than an LRU delete */
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(mamori_prevent_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_eff_scope scope;
	struct mamori_exec_match m;
	struct mamori_action_info info;
	struct file *file;
	__u32 flags;

	if (!cfg)
		return 0;
	flags = cfg->flags;
	if (!(flags & (MAMORI_CFG_HAS_EXEC_POLICY | MAMORI_CFG_HAS_EGRESS)))
		return 0;
	file = BPF_CORE_READ(bprm, file);
	if (flags & MAMORI_CFG_HAS_EGRESS)
		prevent_tag_exec(file);
	if (!(flags & MAMORI_CFG_HAS_EXEC_POLICY) || (flags & MAMORI_CFG_LSM_EXEC))
		return 0;
	if (mamori_untouchable(cfg, task))
		return 0;
	mamori_scope_of_current(cfg, &scope);
	if (scope.flags & MAMORI_SCOPE_PROTECTED)
		return 0;
	if (!mamori_exec_matches(cfg, file, &scope, &m))
		return 0;

	mamori_exec_info(&info, &m, MAMORI_ACT_KILL_EXEC, scope.level);
	if (mamori_enforced(cfg, scope.level, m.needed)) {
		info.result = bpf_send_signal(MAMORI_SIGKILL);
		info.flags = info.result ? MAMORI_ACTF_FAILED : MAMORI_ACTF_ENFORCED;
	}
	struct path *fpath = (struct path *)((void *)file + bpf_core_field_offset(struct file, f_path));
	mamori_emit_action(cfg, &info, fpath);
	return 0;
}

/* A forked process runs its parent's image: it keeps the parent's egress tag. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(mamori_prevent_fork, struct task_struct *parent, struct task_struct *child)
{
	struct mamori_config *cfg = mamori_config();
	__u32 ptgid, ctgid, *tag;

	if (!cfg || !(cfg->flags & MAMORI_CFG_HAS_EGRESS))
		return 0;
	ctgid = BPF_CORE_READ(child, tgid);
	if (BPF_CORE_READ(child, pid) != ctgid)
		return 0; /* a thread shares its group's tag */
	ptgid = BPF_CORE_READ(parent, tgid);
	tag = bpf_map_lookup_elem(&mamori_task_tag, &ptgid);
	if (tag)
		bpf_map_update_elem(&mamori_task_tag, &ctgid, tag, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(mamori_prevent_exit, struct task_struct *task)
{
	struct mamori_config *cfg = mamori_config();
	__u32 tgid;

	if (!cfg || !(cfg->flags & MAMORI_CFG_HAS_EGRESS))
		return 0;
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	tgid = BPF_CORE_READ(task, tgid);
	if (bpf_map_lookup_elem(&mamori_task_tag, &tgid))
		bpf_map_delete_elem(&mamori_task_tag, &tgid);
	return 0;
}
