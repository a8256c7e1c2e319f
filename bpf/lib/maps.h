/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every map Mamori's programs share, declared once. The three program files are statically
 * linked into one object (bpftool gen object), so each map is defined __weak here and the
 * linker folds the identical definitions into one.
 */
#ifndef MAMORI_MAPS_H
#define MAMORI_MAPS_H
#include "common.h"

/* Lane 0: process and network records. Size set by the loader before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} mamori_rb_priority SEC(".maps") __weak;

/* Lane 1: file records. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} mamori_rb_bulk SEC(".maps") __weak;

/* Runtime configuration written by the agent (struct mamori_config). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mamori_config);
} mamori_config_map SEC(".maps") __weak;

/* Running totals of records that could not be written, per CPU, indexed by kind. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAMORI_KIND_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} mamori_drops SEC(".maps") __weak;

/* Losses not yet announced by a gap record, per CPU, per lane. */
struct mamori_pending_gap {
	__u64 lost[MAMORI_KIND_COUNT];
	__u64 total;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAMORI_LANE_COUNT);
	__type(key, __u32);
	__type(value, struct mamori_pending_gap);
} mamori_gaps SEC(".maps") __weak;

/* Boot-time ns of the last forced wakeup, per lane (shared by CPUs; races are harmless). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAMORI_LANE_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} mamori_last_wake SEC(".maps") __weak;

/* Processes whose activity is never reported (besides config.self_tgid). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} mamori_muted SEC(".maps") __weak;

/* Files (or directories' direct children) whose read-only opens are reported. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct mamori_watch_key);
	__type(value, __u32);
} mamori_watch SEC(".maps") __weak;

/* Devices holding watch entries (struct mamori_watch_devs): the read path's first filter. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mamori_watch_devs);
} mamori_watch_devs SEC(".maps") __weak;

/* ---- Prevention policy (abi.h "Prevention"; written by userspace PolicyMaps) ---- */

/* Executables and directories whose exec is denied, and the shells DAEMON scopes may not run. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct mamori_inode_key);
	__type(value, struct mamori_exec_rule);
} mamori_exec_policy SEC(".maps") __weak;

/* Per-cgroup overrides: cgroup v2 id -> struct mamori_scope. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct mamori_scope);
} mamori_scope SEC(".maps") __weak;

/* Egress entries by (policy, destination prefix). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__type(key, struct mamori_egress_key);
	__type(value, struct mamori_egress_rule);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} mamori_egress SEC(".maps") __weak;

/* Executables whose processes get an egress tag, and the tag of each tagged process. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct mamori_inode_key);
	__type(value, __u32);
} mamori_tagged_exec SEC(".maps") __weak;
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} mamori_task_tag SEC(".maps") __weak;

/* Files whose modification the BPF LSM programs deny (where BPF LSM is available). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct mamori_inode_key);
	__type(value, __u32); /* policy id */
} mamori_protected_files SEC(".maps") __weak;

/* Per-CPU scratch: a record is built here, then copied once into the ring at its exact size. */
#define MAMORI_SCRATCH_SIZE (1 << 15)
struct mamori_scratch {
	char rec[MAMORI_SCRATCH_SIZE];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mamori_scratch);
} mamori_scratch_map SEC(".maps") __weak;

/* Per-CPU scratch for the dentry walk: components are prepended right to left. */
struct mamori_path_buf {
	char buf[2 * MAMORI_PATH_MAX];
	__u32 off; /* walk state kept in memory (see mamori_walk) */
	__u32 cut;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mamori_path_buf);
} mamori_path_map SEC(".maps") __weak;

/* Syscall arguments saved at sys_enter for the matching sys_exit, keyed by pid_tgid. */
struct mamori_pending {
	__u32 op;      /* file or net op */
	__s32 fd1;     /* dirfd / fd */
	__u64 ptr1;    /* user path / sockaddr */
	__u64 ptr2;    /* second user path */
	__s32 fd2;
	__u32 flags;   /* open flags */
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u32 len;     /* sockaddr length */
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct mamori_pending);
} mamori_pending_map SEC(".maps") __weak;

#endif
