/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Prevention policy shared by the exec, network and LSM programs: who may never be acted on,
 * the effective scope (level, flags, egress policy) of the current task, the enforce-or-report
 * decision, and the emission of struct mamori_action records into the priority lane.
 *
 * Scope resolution walks the current task's cgroup v2 ancestry with
 * bpf_get_current_ancestor_cgroup_id(), which tracing, LSM and cgroup sock_addr programs may
 * all call, root first; a deeper scope overrides what a shallower one said, which is the same
 * as "deepest first wins". It runs only when MAMORI_CFG_HAS_SCOPES is set.
 */
#ifndef MAMORI_POLICY_H
#define MAMORI_POLICY_H
#include "maps.h"
#include "emit.h"
#include "task.h"
#include "path.h"

#define MAMORI_PF_KTHREAD 0x00200000 /* include/linux/sched.h */
#define MAMORI_SIGKILL 9
#define MAMORI_EPERM 1
/* Deepest cgroup level looked at; systemd hierarchies are 3-5 deep. */
#define MAMORI_CGROUP_DEPTH 16

/* The effective prevention scope of a task. */
struct mamori_eff_scope {
	__u8 level;
	__u8 allowlist_min_level;
	__u16 flags;            /* MAMORI_SCOPE_*, ORed over the ancestry */
	__u32 egress_policy;    /* deepest non-zero; 0 = none */
};

/* True for tasks prevention never touches: the agent, pid 1, kernel threads. */
MAMORI_ALWAYS bool mamori_untouchable(struct mamori_config *cfg, struct task_struct *task)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (tgid == 1 || mamori_is_agent(cfg, tgid))
		return true;
	return (BPF_CORE_READ(task, flags) & MAMORI_PF_KTHREAD) != 0;
}

/* Effective scope of the current task (see abi.h, struct mamori_scope). */
MAMORI_ALWAYS void mamori_scope_of_current(struct mamori_config *cfg, struct mamori_eff_scope *out)
{
	out->level = cfg->host_level;
	out->allowlist_min_level = 0;
	out->flags = 0;
	out->egress_policy = 0;
	if (!(cfg->flags & MAMORI_CFG_HAS_SCOPES))
		return;
	for (int lvl = 0; lvl < MAMORI_CGROUP_DEPTH; lvl++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);
		if (!id)
			break; /* deeper than the task's own cgroup */
		struct mamori_scope *s = bpf_map_lookup_elem(&mamori_scope, &id);
		if (!s)
			continue;
		if (s->level != MAMORI_LEVEL_INHERIT)
			out->level = s->level;
		out->flags |= s->flags;
		if (s->egress_policy) {
			out->egress_policy = s->egress_policy;
			out->allowlist_min_level = s->allowlist_min_level;
		}
	}
}

/* Whether a match needing `needed` is enforced for a task at `level`. */
MAMORI_ALWAYS bool mamori_enforced(struct mamori_config *cfg, __u8 level, __u8 needed)
{
	return !(cfg->flags & MAMORI_CFG_PREVENTION_OFF) && level >= needed;
}

/* The fields of one action record, filled by the deciding program. */
struct mamori_action_info {
	__u16 action;
	__u16 reason;
	__u8 level;
	__u8 needed_level;
	__u16 flags;
	__u32 policy_id;
	__s32 result;
	__u64 ino;
	__u32 dev;
	__u16 family;
	__u16 dport;
	__u8 daddr[16];
	__u16 protocol;
};

/*
 * Emit a struct mamori_action into the priority lane, with `path` (may be NULL) resolved into
 * the variable part. Built in the per-CPU scratch buffer (programs never nest on one CPU).
 */
MAMORI_ALWAYS void mamori_emit_action(struct mamori_config *cfg, struct mamori_action_info *info,
				      struct path *path)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 now = bpf_ktime_get_boot_ns();
	struct mamori_action *a = mamori_scratch();
	bool cut = false;
	__u32 len = 0;
	if (!a)
		return;
	mamori_fill_subject(&a->subj, task);
	a->action = info->action;
	a->reason = info->reason;
	a->level = info->level;
	a->needed_level = info->needed_level;
	a->flags = info->flags;
	a->policy_id = info->policy_id;
	a->result = info->result;
	a->ino = info->ino;
	a->dev = info->dev;
	a->family = info->family;
	a->dport = info->dport;
	__builtin_memcpy(a->daddr, info->daddr, 16);
	a->protocol = info->protocol;
	a->_pad0 = 0;
	if (path)
		len = mamori_copy_path((char *)(a + 1), path, &cut) & MAMORI_PATH_MASK;
	a->path_len = len;
	__u32 size = sizeof(*a) + len;
	mamori_fill_header(&a->hdr, MAMORI_KIND_ACTION, size, task, now);
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_ACTION, a, size, now);
}

#endif
