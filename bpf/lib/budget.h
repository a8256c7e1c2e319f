/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-uid budget of file records (abi.h "Per-uid file-event budget"). A token bucket per
 * real uid in an LRU map: each record costs ns_per_event of credit, credit grows with time up
 * to cap_ns. A uid out of credit has the record counted in its entry instead of emitted, and
 * the caller skips the path walk and the ring write: the common case for a flooder leaves
 * first. Called only for records that would otherwise be emitted, never for watched-file
 * reads; root (uid or euid 0) is never budgeted. Credit updates from several CPUs race
 * (plain read-modify-write); the budget is approximate by design, the count is atomic.
 */
#ifndef MAMORI_BUDGET_H
#define MAMORI_BUDGET_H
#include "maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mamori_uid_budget_cfg);
} mamori_uid_budget_cfg SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct mamori_uid_budget);
} mamori_uid_budget SEC(".maps") __weak;

/* True when the current task's uid is out of credit: the record was counted (`weight`: the
 * events it stands for, folded repeats included), do not emit. */
MAMORI_ALWAYS bool mamori_uid_over_budget(struct task_struct *task, __u64 now, __u64 weight)
{
	__u32 zero = 0;
	struct mamori_uid_budget_cfg *c = bpf_map_lookup_elem(&mamori_uid_budget_cfg, &zero);
	if (!c || c->ns_per_event == 0)
		return false;
	__u32 uid = (__u32)bpf_get_current_uid_gid();
	if (uid == 0 || BPF_CORE_READ(task, cred, euid.val) == 0)
		return false;
	struct mamori_uid_budget *b = bpf_map_lookup_elem(&mamori_uid_budget, &uid);
	if (!b) {
		struct mamori_uid_budget fresh = {.last_ns = now};
		fresh.credit_ns = c->cap_ns > c->ns_per_event ? c->cap_ns - c->ns_per_event : 0;
		bpf_map_update_elem(&mamori_uid_budget, &uid, &fresh, BPF_NOEXIST);
		return false;
	}
	__u64 credit = b->credit_ns;
	if (now > b->last_ns) {
		credit += now - b->last_ns;
		b->last_ns = now;
	}
	if (credit > c->cap_ns)
		credit = c->cap_ns;
	if (credit >= c->ns_per_event) {
		b->credit_ns = credit - c->ns_per_event;
		return false;
	}
	b->credit_ns = credit;
	b->last_suppressed_ns = now;
	__sync_fetch_and_add(&b->suppressed, weight);
	return true;
}

#endif
