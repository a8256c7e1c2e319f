/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Record emission: filtering of the agent's own activity, scratch access, the batched
 * wakeup policy, and loss accounting (per-CPU drop counters plus in-stream gap records).
 */
#ifndef MAMORI_EMIT_H
#define MAMORI_EMIT_H
#include "maps.h"
#include "task.h"

MAMORI_ALWAYS struct mamori_config *mamori_config(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&mamori_config_map, &zero);
}

/*
 * True when the current task is the agent: its tgid is self_tgid AND it runs the agent's
 * executable (dev/inode of mm->exe_file) AND its uid is the agent's. The tgid alone is a number
 * anyone with the map can write and any process can inherit after the agent exits (pinned
 * maps under fail_mode closed outlive it); the executable and uid are what an unprivileged
 * process cannot take. The extra reads happen only for the one tgid that matches.
 */
MAMORI_ALWAYS bool mamori_is_agent(struct mamori_config *cfg, __u32 tgid)
{
	if (tgid == 0 || tgid != cfg->self_tgid || cfg->self_exe_ino == 0)
		return false;
	if ((__u32)mamori_current_uid_gid() != cfg->self_uid)
		return false;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return false;
	struct inode *inode = BPF_CORE_READ(exe, f_inode);
	return BPF_CORE_READ(inode, i_ino) == cfg->self_exe_ino &&
	       mamori_inode_dev(inode) == cfg->self_exe_dev;
}

/* True when the current process must not be reported (the agent, or a muted tgid). */
MAMORI_ALWAYS bool mamori_is_muted(struct mamori_config *cfg, __u32 tgid)
{
	if (mamori_is_agent(cfg, tgid))
		return true;
	return bpf_map_lookup_elem(&mamori_muted, &tgid) != NULL;
}

MAMORI_ALWAYS void *mamori_scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&mamori_scratch_map, &zero);
}

MAMORI_ALWAYS void *mamori_lane_ring(__u32 lane)
{
	return lane == MAMORI_LANE_BULK ? (void *)&mamori_rb_bulk : (void *)&mamori_rb_priority;
}

/*
 * Wake the reader only when enough bytes are pending or the last wakeup is older than the
 * lane's delay; otherwise submit silently (a forced wakeup costs the emitting program ~10 us
 * here, a silent submit < 1 us). The reader drains every lane on its own poll timeout (2 ms),
 * which bounds the latency of a record that did not wake it, so the agent sets the delay well
 * above that timeout (20 ms): sparse records (an exec every millisecond) no longer pay a
 * wakeup each; only a filling lane or a reader stuck longer than the delay is woken.
 */
MAMORI_ALWAYS __u64 mamori_wake_flags(struct mamori_config *cfg, __u32 lane, void *ring, __u64 now)
{
	__u64 *last = bpf_map_lookup_elem(&mamori_last_wake, &lane);
	__u32 idx = lane & 1;
	if (!last)
		return 0;
	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= cfg->wake_bytes[idx] ||
	    now - *last >= cfg->wake_delay_ns[idx]) {
		*last = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

MAMORI_ALWAYS void mamori_count_drop(__u32 lane, __u32 kind)
{
	__u32 k = kind < MAMORI_KIND_COUNT ? kind : 0;
	__u64 *total = bpf_map_lookup_elem(&mamori_drops, &k);
	struct mamori_pending_gap *gap = bpf_map_lookup_elem(&mamori_gaps, &lane);
	if (total)
		*total += 1;
	if (gap && k < MAMORI_KIND_COUNT) {
		gap->lost[k] += 1;
		gap->total += 1;
	}
}

/* Announce earlier losses in the stream before the next record; false if it did not fit. */
MAMORI_ALWAYS bool mamori_flush_gap(__u32 lane, void *ring, __u64 now)
{
	struct mamori_pending_gap *pending = bpf_map_lookup_elem(&mamori_gaps, &lane);
	struct mamori_gap *rec;
	if (!pending || pending->total == 0)
		return true;
	rec = bpf_ringbuf_reserve(ring, sizeof(*rec), 0);
	if (!rec)
		return false;
	__u64 id = mamori_current_pid_tgid();
	rec->hdr.kind = MAMORI_KIND_GAP;
	rec->hdr.version = MAMORI_ABI_VERSION;
	rec->hdr.size = sizeof(*rec);
	rec->hdr.ktime_ns = now;
	rec->hdr.tgid = id >> 32;
	rec->hdr.pid = (__u32)id;
	rec->hdr.start_boottime_ns = 0;
	rec->lane = lane;
	rec->cpu = bpf_get_smp_processor_id();
	for (int i = 0; i < MAMORI_KIND_COUNT; i++) {
		rec->lost[i] = pending->lost[i];
		pending->lost[i] = 0;
	}
	pending->total = 0;
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	return true;
}

/*
 * Copy a record built in scratch into its lane at its exact size. `size` must already be
 * bounded by the caller (<= MAMORI_SCRATCH_SIZE); it is masked again for the verifier.
 */
MAMORI_ALWAYS void mamori_output(struct mamori_config *cfg, __u32 lane, __u32 kind,
				 void *rec, __u64 size, __u64 now)
{
	void *ring = mamori_lane_ring(lane);
	if (!mamori_flush_gap(lane, ring, now)) {
		mamori_count_drop(lane, kind);
		return;
	}
	size &= (MAMORI_SCRATCH_SIZE - 1);
	if (size < sizeof(struct mamori_header))
		return;
	if (bpf_ringbuf_output(ring, rec, size, mamori_wake_flags(cfg, lane, ring, now)))
		mamori_count_drop(lane, kind);
}

#endif
