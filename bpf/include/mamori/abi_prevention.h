/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Mamori ABI, prevention part. Included by abi.h only, after the records and mamori_config;
 * the same editing rules apply: natural alignment, explicit padding, append-only enums, sizes
 * pinned by the asserts at the end.
 */
#ifndef MAMORI_ABI_PREVENTION_H
#define MAMORI_ABI_PREVENTION_H
#ifndef MAMORI_ABI_H
#error "include mamori/abi.h, not abi_prevention.h"
#endif

/* ------------------------------------------------------------------------------------------
 * Prevention (docs/prevention.md). Userspace compiles the operator's policy and the current
 * level into the maps below; the kernel programs only look things up. Writes go deny sets
 * first, scopes next, the host level (mamori_config.host_level) last.
 * ------------------------------------------------------------------------------------------ */

/* Levels: 0 monitor, 1 known-bad, 2 critical, 3 high, 4 lockdown. Policy entries carry the
 * lowest level at which they are enforced; below it they are reported as "would have". */
#define MAMORI_LEVEL_MAX 4
#define MAMORI_LEVEL_INHERIT 0xff /* mamori_scope.level: take the parent's / the host's */

/* What the kernel did (mamori_action.action). Append-only. */
enum mamori_action_kind {
	MAMORI_ACT_KILL_EXEC = 1,      /* SIGKILL sent from the exec hook (no BPF LSM) */
	MAMORI_ACT_DENY_EXEC = 2,      /* bprm_check_security returned -EPERM (BPF LSM) */
	MAMORI_ACT_BLOCK_CONNECT = 3,  /* cgroup connect4/6 returned 0: caller got EPERM */
	MAMORI_ACT_BLOCK_SEND = 4,     /* cgroup sendmsg4/6 returned 0: caller got EPERM */
	MAMORI_ACT_DENY_FILE = 5,      /* file_open/path_* on a protected file returned -EPERM (LSM) */
};

/* Why (mamori_action.reason). Append-only. */
enum mamori_action_reason {
	MAMORI_WHY_EXEC_DENYLIST = 1,  /* executable inode in mamori_exec_policy (FILE) */
	MAMORI_WHY_EXEC_DIR = 2,       /* executable below a directory in mamori_exec_policy (TREE) */
	MAMORI_WHY_DAEMON_SHELL = 3,   /* a shell exec'd by a task in a DAEMON scope */
	MAMORI_WHY_EGRESS_DENY = 4,    /* destination matched a DENY entry */
	MAMORI_WHY_EGRESS_ALLOWLIST = 5, /* scope in allowlist mode and no ALLOW entry matched */
	MAMORI_WHY_ISOLATED = 6,       /* scope isolated; destination not loopback or management */
	MAMORI_WHY_PROTECTED_FILE = 7, /* write/rename/unlink of a protected file */
};

/* mamori_action.flags */
#define MAMORI_ACTF_ENFORCED  (1u << 0) /* the action was taken; clear = would have (level too low) */
#define MAMORI_ACTF_FAILED    (1u << 1) /* tried and failed (result holds the error) */

/*
 * The kernel enforced a policy, or would have at a higher level (flags). Variable data: the
 * executable path (exec actions) or the file path (file actions), path_len bytes.
 */
struct mamori_action {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u16 action;           /* enum mamori_action_kind */
	__u16 reason;           /* enum mamori_action_reason */
	__u8 level;             /* effective level of the acting task when it happened */
	__u8 needed_level;      /* lowest level at which the matching entry is enforced */
	__u16 flags;            /* MAMORI_ACTF_* */
	__u32 policy_id;        /* userspace id of the matching entry (0 = built in) */
	__s32 result;           /* 0, or -errno of bpf_send_signal, or the error returned */
	__u64 ino;              /* exec/file: inode */
	__u32 dev;              /* exec/file: kernel dev_t */
	__u16 family;           /* net: AF_INET / AF_INET6 */
	__u16 dport;            /* net: host byte order */
	__u8 daddr[16];         /* net: IPv4 in the first 4 bytes, network order */
	__u16 protocol;         /* net: IPPROTO_* */
	__u16 path_len;
	__u32 _pad0;
	/* char data[]; */
};

/* Key of `mamori_exec_policy` (hash): an executable inode or a directory inode. */
struct mamori_inode_key {
	__u32 dev;              /* kernel dev_t */
	__u32 _pad0;
	__u64 ino;
};
/* Value of `mamori_exec_policy`. */
#define MAMORI_EXECP_FILE  (1u << 0) /* deny this executable */
#define MAMORI_EXECP_TREE  (1u << 1) /* deny executables anywhere below this directory */
#define MAMORI_EXECP_SHELL (1u << 2) /* this executable is a shell (DAEMON scopes may not run it) */
struct mamori_exec_rule {
	__u32 policy_id;
	__u8 min_level;         /* enforced when the task's effective level >= min_level */
	__u8 _pad0;
	__u16 flags;            /* MAMORI_EXECP_* */
};

/* Value of `mamori_scope` (hash keyed by cgroup v2 id, __u64): per-cgroup overrides. The
 * effective scope of a task walks its cgroup and its ancestors (deepest first): the first
 * level != INHERIT wins (else mamori_config.host_level); flags are ORed; the first non-zero
 * egress_policy wins. Userspace sets MAMORI_CFG_HAS_SCOPES when the map is non-empty. */
#define MAMORI_SCOPE_ISOLATED  (1u << 0) /* egress only to loopback and management networks */
#define MAMORI_SCOPE_DAEMON    (1u << 1) /* a server daemon: may not exec shells at lockdown */
#define MAMORI_SCOPE_ALLOWLIST (1u << 2) /* egress_policy is an allowlist: everything else denied */
#define MAMORI_SCOPE_PROTECTED (1u << 3) /* never acted on (the agent's own unit, operator list) */
struct mamori_scope {
	__u8 level;             /* 0..MAMORI_LEVEL_MAX or MAMORI_LEVEL_INHERIT */
	__u8 allowlist_min_level; /* ALLOWLIST is enforced from this level on */
	__u16 flags;            /* MAMORI_SCOPE_* */
	__u32 egress_policy;    /* policy id used as the first word of mamori_egress_key; 0 none */
};

/* Key of `mamori_egress` (LPM trie). prefixlen counts bits from `policy`: 32 + 96 + n for an
 * IPv4 /n (stored IPv4-mapped, ::ffff:a.b.c.d), 32 + n for an IPv6 /n. Policy 0 is the global
 * list, MAMORI_EGRESS_MANAGEMENT the networks isolation keeps reachable. */
#define MAMORI_EGRESS_GLOBAL 0u
#define MAMORI_EGRESS_MANAGEMENT 0xffffffffu
#define MAMORI_EGRESS_PORTS 8
struct mamori_egress_key {
	__u32 prefixlen;
	__u32 policy;           /* big-endian on the wire of the trie: write it with htonl() */
	__u8 addr[16];
};
#define MAMORI_EGRESS_DENY  1
#define MAMORI_EGRESS_ALLOW 2
struct mamori_egress_rule {
	__u32 policy_id;        /* userspace id reported in mamori_action */
	__u8 verdict;           /* MAMORI_EGRESS_DENY / MAMORI_EGRESS_ALLOW */
	__u8 min_level;
	__u8 protocol;          /* 0 any, 6 TCP, 17 UDP */
	__u8 nports;            /* 0 = every port; else ports[0..nports) (host order) */
	__u16 ports[MAMORI_EGRESS_PORTS];
	/* prefixlen of this entry's key: when protocol/ports do not match, the kernel looks
	 * again with prefixlen - 1 to find the next shorter prefix of the same policy. */
	__u32 prefixlen;
	__u32 _pad0;
};

/* Key of `mamori_tagged_exec` is an inode (mamori_inode_key); value a __u32 tag. A process
 * exec'ing a tagged executable gets that tag (`mamori_task_tag`, tgid -> tag) so that egress
 * entries of policy (MAMORI_EGRESS_EXE_BASE + tag) apply to it only. */
#define MAMORI_EGRESS_EXE_BASE 0x80000000u


_Static_assert(sizeof(struct mamori_action) == 128, "mamori_action layout");
_Static_assert(sizeof(struct mamori_inode_key) == 16, "mamori_inode_key layout");
_Static_assert(sizeof(struct mamori_exec_rule) == 8, "mamori_exec_rule layout");
_Static_assert(sizeof(struct mamori_scope) == 8, "mamori_scope layout");
_Static_assert(sizeof(struct mamori_egress_key) == 24, "mamori_egress_key layout");
_Static_assert(sizeof(struct mamori_egress_rule) == 32, "mamori_egress_rule layout");

#endif /* MAMORI_ABI_PREVENTION_H */
