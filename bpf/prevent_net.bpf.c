// SPDX-License-Identifier: GPL-2.0-only
/*
 * Egress prevention: cgroup connect4/6 and sendmsg4/6, attached at the cgroup v2 root next to
 * the reporting sendmsg programs of network.bpf.c (cgroup links are multi-attach; every program
 * must allow for the operation to proceed). Returning 0 makes connect(2)/sendmsg(2) fail with
 * EPERM before any routing or packet: nothing leaves the machine.
 *
 * Decision for the current task's effective scope (first enforced match wins; if none is
 * enforced, the first match is reported as "would have"):
 *   1. ISOLATED scope: only loopback and MAMORI_EGRESS_MANAGEMENT prefixes;
 *   2. ALLOWLIST scope: loopback, management, or an ALLOW entry of the scope's policy;
 *   3. DENY entries of the scope's policy, of the executable tag's policy
 *      (MAMORI_EGRESS_EXE_BASE + tag), and of the global policy.
 * Each policy is an LPM lookup (longest prefix) whose entry's protocol and ports must match;
 * when they do not, up to MAMORI_EGRESS_FALLBACK shorter prefixes are tried.
 *
 * Emits: struct mamori_action (BLOCK_CONNECT / BLOCK_SEND), at most one per (process, action, reason,
 *        destination) per MAMORI_ACTION_QUIET_NS so that a retry loop cannot flood the ring.
 * Cost when no egress policy exists: one config lookup.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include "lib/policy.h"

char LICENSE[] SEC("license") = "GPL";

#define MAMORI_ACTION_QUIET_NS 1000000000ull

/* Last action record per (process, reason, destination): the rate limit's memory. */
struct action_quiet_key {
	__u32 tgid;
	__u16 what;       /* reason | action << 8 | 0x8000 when enforced */
	__u16 dport;
	__u8 daddr[16];
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct action_quiet_key);
	__type(value, __u64);
} mamori_action_quiet SEC(".maps");

/* The candidate verdict being built. */
struct egress_verdict {
	__u16 reason;     /* 0 = allowed so far */
	__u8 needed;
	__u8 enforced;
	__u32 policy_id;
};

MAMORI_ALWAYS bool egress_rule_applies(struct mamori_egress_rule *r, __u8 proto, __u16 port)
{
	if (r->protocol && r->protocol != proto)
		return false;
	if (!r->nports)
		return true;
	for (int i = 0; i < MAMORI_EGRESS_PORTS; i++) {
		if (i >= r->nports)
			break;
		if (r->ports[i] == port)
			return true;
	}
	return false;
}

/* Longest prefixes tried per policy when the longest one's protocol/ports do not match. */
#define MAMORI_EGRESS_FALLBACK 4

/*
 * The longest prefix of `policy` containing `addr` whose entry applies to (proto, port) and,
 * if `verdict` is non-zero, has that verdict. A non-matching entry sends the lookup on to
 * the next shorter prefix (key prefixlen = entry prefixlen - 1), at most MAMORI_EGRESS_FALLBACK times.
 */
MAMORI_ALWAYS struct mamori_egress_rule *egress_lookup(__u32 policy, const __u8 *addr, __u8 proto,
						       __u16 port, __u8 verdict)
{
	struct mamori_egress_key key;
	struct mamori_egress_rule *r;
	key.prefixlen = 32 + 128;
	key.policy = __builtin_bswap32(policy);
	__builtin_memcpy(key.addr, addr, 16);
	for (int i = 0; i < MAMORI_EGRESS_FALLBACK; i++) {
		r = bpf_map_lookup_elem(&mamori_egress, &key);
		if (!r)
			return NULL;
		if ((!verdict || r->verdict == verdict) && egress_rule_applies(r, proto, port))
			return r;
		if (r->prefixlen <= 32 || r->prefixlen > key.prefixlen)
			return NULL;
		key.prefixlen = r->prefixlen - 1;
	}
	return NULL;
}

/* 127/8, ::1, ::ffff:127/104, and the unspecified address (connect to it reaches this host). */
MAMORI_ALWAYS bool egress_is_loopback(const __u8 *a)
{
	__u64 hi, lo;
	__builtin_memcpy(&hi, a, 8);
	__builtin_memcpy(&lo, a + 8, 8);
	if (hi != 0)
		return false;
	if (lo == 0 || lo == __builtin_bswap64(1))
		return true;
	/* IPv4-mapped: bytes 8..11 = 00 00 ff ff */
	return a[8] == 0 && a[9] == 0 && a[10] == 0xff && a[11] == 0xff &&
	       (a[12] == 127 || (a[12] | a[13] | a[14] | a[15]) == 0);
}

/* Offer a match; keep the first enforced one, else the first one. */
MAMORI_ALWAYS void egress_offer(struct egress_verdict *v, struct mamori_config *cfg, __u8 level,
				__u16 reason, __u8 needed, __u32 policy_id)
{
	bool enforced = mamori_enforced(cfg, level, needed);
	if (v->enforced || (v->reason && !enforced))
		return;
	v->reason = reason;
	v->needed = needed;
	v->enforced = enforced;
	v->policy_id = policy_id;
}

MAMORI_ALWAYS void egress_offer_deny(struct egress_verdict *v, struct mamori_config *cfg, __u8 level,
				     __u32 policy, const __u8 *addr, __u8 proto, __u16 port)
{
	struct mamori_egress_rule *r = egress_lookup(policy, addr, proto, port, MAMORI_EGRESS_DENY);
	if (r)
		egress_offer(v, cfg, level, MAMORI_WHY_EGRESS_DENY, r->min_level, r->policy_id);
}

/* True when `addr` is reachable despite isolation/allowlist: loopback or management. */
MAMORI_ALWAYS bool egress_always_open(const __u8 *addr, __u8 proto, __u16 port)
{
	if (egress_is_loopback(addr))
		return true;
	return egress_lookup(MAMORI_EGRESS_MANAGEMENT, addr, proto, port, 0) != NULL;
}

MAMORI_ALWAYS void egress_report(struct mamori_config *cfg, struct egress_verdict *v, __u8 level,
				 __u16 action, __u16 family, const __u8 *addr, __u8 proto, __u16 port)
{
	struct action_quiet_key qk = {};
	struct mamori_action_info info = {};
	__u64 now = bpf_ktime_get_boot_ns(), *last;

	qk.tgid = bpf_get_current_pid_tgid() >> 32;
	qk.what = v->reason | (action << 8) | (v->enforced ? 0x8000 : 0);
	qk.dport = port;
	__builtin_memcpy(qk.daddr, addr, 16);
	last = bpf_map_lookup_elem(&mamori_action_quiet, &qk);
	if (last && now - *last < MAMORI_ACTION_QUIET_NS)
		return;
	bpf_map_update_elem(&mamori_action_quiet, &qk, &now, BPF_ANY);

	info.action = action;
	info.reason = v->reason;
	info.level = level;
	info.needed_level = v->needed;
	info.flags = v->enforced ? MAMORI_ACTF_ENFORCED : 0;
	info.policy_id = v->policy_id;
	info.result = v->enforced ? -MAMORI_EPERM : 0;
	info.family = family;
	info.dport = port;
	info.protocol = proto;
	if (family == MAMORI_AF_INET)
		__builtin_memcpy(info.daddr, addr + 12, 4);
	else
		__builtin_memcpy(info.daddr, addr, 16);
	mamori_emit_action(cfg, &info, NULL);
}

/* 1 = allow, 0 = deny (the caller gets EPERM). */
MAMORI_ALWAYS int egress_decide(struct bpf_sock_addr *ctx, __u16 family, __u16 action)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_eff_scope scope;
	struct egress_verdict v = {};
	__u8 addr[16] = {};
	__u8 proto;
	__u16 port;
	__u32 *tag, tgid;

	if (!cfg || !(cfg->flags & MAMORI_CFG_HAS_EGRESS))
		return 1;
	if (mamori_untouchable(cfg, (struct task_struct *)bpf_get_current_task()))
		return 1;
	if (family == MAMORI_AF_INET) {
		__u32 a4 = ctx->user_ip4;
		addr[10] = 0xff;
		addr[11] = 0xff;
		__builtin_memcpy(&addr[12], &a4, 4);
	} else {
		__u32 a6[4] = {ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3]};
		__builtin_memcpy(addr, a6, 16);
	}
	port = __builtin_bswap16((__u16)ctx->user_port);
	proto = (__u8)ctx->protocol;
	mamori_scope_of_current(cfg, &scope);
	if (scope.flags & MAMORI_SCOPE_PROTECTED)
		return 1;

	if ((scope.flags & (MAMORI_SCOPE_ISOLATED | MAMORI_SCOPE_ALLOWLIST)) &&
	    !egress_always_open(addr, proto, port)) {
		if (scope.flags & MAMORI_SCOPE_ISOLATED)
			egress_offer(&v, cfg, scope.level, MAMORI_WHY_ISOLATED, 0, 0);
		if ((scope.flags & MAMORI_SCOPE_ALLOWLIST) && scope.egress_policy) {
			if (!egress_lookup(scope.egress_policy, addr, proto, port, MAMORI_EGRESS_ALLOW))
				egress_offer(&v, cfg, scope.level, MAMORI_WHY_EGRESS_ALLOWLIST,
					     scope.allowlist_min_level, scope.egress_policy);
		}
	}
	if (scope.egress_policy)
		egress_offer_deny(&v, cfg, scope.level, scope.egress_policy, addr, proto, port);
	tgid = bpf_get_current_pid_tgid() >> 32;
	tag = bpf_map_lookup_elem(&mamori_task_tag, &tgid);
	if (tag)
		egress_offer_deny(&v, cfg, scope.level, MAMORI_EGRESS_EXE_BASE + *tag, addr, proto, port);
	egress_offer_deny(&v, cfg, scope.level, MAMORI_EGRESS_GLOBAL, addr, proto, port);

	if (!v.reason)
		return 1;
	egress_report(cfg, &v, scope.level, action, family, addr, proto, port);
	return v.enforced ? 0 : 1;
}

SEC("cgroup/connect4")
int mamori_prevent_connect4(struct bpf_sock_addr *ctx)
{
	return egress_decide(ctx, MAMORI_AF_INET, MAMORI_ACT_BLOCK_CONNECT);
}

SEC("cgroup/connect6")
int mamori_prevent_connect6(struct bpf_sock_addr *ctx)
{
	return egress_decide(ctx, MAMORI_AF_INET6, MAMORI_ACT_BLOCK_CONNECT);
}

SEC("cgroup/sendmsg4")
int mamori_prevent_sendmsg4(struct bpf_sock_addr *ctx)
{
	return egress_decide(ctx, MAMORI_AF_INET, MAMORI_ACT_BLOCK_SEND);
}

SEC("cgroup/sendmsg6")
int mamori_prevent_sendmsg6(struct bpf_sock_addr *ctx)
{
	return egress_decide(ctx, MAMORI_AF_INET6, MAMORI_ACT_BLOCK_SEND);
}
