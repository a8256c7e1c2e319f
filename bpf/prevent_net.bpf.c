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
 *
 * Isolation both ways (cgroup_skb/ingress and cgroup_skb/egress, at the cgroup v2 root): while
 * a scope is ISOLATED (MAMORI_CFG_HAS_ISOLATION), every IP packet of a socket whose cgroup is in
 * that scope is dropped unless the peer is loopback or a management network, or the socket's
 * scope is PROTECTED (the agent's own unit). This stops established sessions (both directions)
 * and keeps listeners (bind shells) unreachable, which connect-time checks cannot; raw and
 * packet sockets owned by the scope pass through cgroup skb as well for IP traffic.
 * The owner is the socket's cgroup (bpf_skb_ancestor_cgroup_id), not the current task: ingress
 * runs in softirq. Packets are dropped silently (no record per packet); drops are counted per
 * direction in mamori_isolation_drops. Cost when nothing is isolated: none, the loader attaches
 * these two programs only while a scope is isolated (IsolationLinks.swift); attached with no
 * isolated scope (a policy being switched): one config lookup per packet; while isolated: up
 * to MAMORI_CGROUP_DEPTH scope lookups, one or two LPM lookups.
 * Verifier bounds: the ancestry walk is bounded by MAMORI_CGROUP_DEPTH; header reads are fixed
 * bpf_skb_load_bytes copies.
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

/* Packets dropped by isolation, per CPU: [0] ingress, [1] egress. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} mamori_isolation_drops SEC(".maps");

#define ISOLATE_ETH_P_IP 0x0800
#define ISOLATE_ETH_P_IPV6 0x86DD

/* Effective scope of the socket that owns `skb` (the same walk as mamori_scope_of_current). */
MAMORI_ALWAYS void isolate_scope_of_skb(struct __sk_buff *skb, struct mamori_config *cfg, struct mamori_eff_scope *out)
{
	out->level = cfg->host_level;
	out->flags = 0;
	for (int lvl = 0; lvl < MAMORI_CGROUP_DEPTH; lvl++) {
		__u64 id = bpf_skb_ancestor_cgroup_id(skb, lvl);
		if (!id)
			break;
		struct mamori_scope *s = bpf_map_lookup_elem(&mamori_scope, &id);
		if (!s)
			continue;
		if (s->level != MAMORI_LEVEL_INHERIT)
			out->level = s->level;
		out->flags |= s->flags;
	}
}

/* Whether the peer of this packet stays reachable: loopback or a management network (its
 * ports compared with either end, since a management rule names the service side). */
MAMORI_ALWAYS bool isolate_peer_open(const __u8 *peer, __u8 proto, __u16 peer_port, __u16 local_port)
{
	if (egress_is_loopback(peer))
		return true;
	return egress_lookup(MAMORI_EGRESS_MANAGEMENT, peer, proto, peer_port, 0) != NULL ||
	       egress_lookup(MAMORI_EGRESS_MANAGEMENT, peer, proto, local_port, 0) != NULL;
}

/* 1 = pass, 0 = drop. `ingress`: the peer is the packet's source. */
MAMORI_ALWAYS int isolate_skb(struct __sk_buff *skb, bool ingress)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_eff_scope scope;
	__u8 peer[16] = {};
	__u16 ports[2] = {};
	__u8 proto = 0;
	__u32 l4 = 0;

	if (!cfg || !(cfg->flags & MAMORI_CFG_HAS_ISOLATION))
		return 1;
	isolate_scope_of_skb(skb, cfg, &scope);
	if (!(scope.flags & MAMORI_SCOPE_ISOLATED) || (scope.flags & MAMORI_SCOPE_PROTECTED))
		return 1;
	if (!mamori_enforced(cfg, scope.level, 0))
		return 1;
	if (skb->protocol == __builtin_bswap16(ISOLATE_ETH_P_IP)) {
		__u8 vihl = 0;
		if (bpf_skb_load_bytes(skb, 0, &vihl, 1) || bpf_skb_load_bytes(skb, 9, &proto, 1))
			return 1;
		peer[10] = 0xff;
		peer[11] = 0xff;
		if (bpf_skb_load_bytes(skb, ingress ? 12 : 16, &peer[12], 4))
			return 1;
		l4 = (vihl & 0x0f) * 4;
	} else if (skb->protocol == __builtin_bswap16(ISOLATE_ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, &proto, 1) || bpf_skb_load_bytes(skb, ingress ? 8 : 24, peer, 16))
			return 1;
		l4 = 40;
	} else {
		return 1; /* not IP (cgroup skb sees only IP today) */
	}
	if ((proto == 6 || proto == 17) && l4 >= 20 && l4 <= 60)
		bpf_skb_load_bytes(skb, l4, ports, 4);
	/* ports[0] source, ports[1] destination (network order). */
	__u16 sport = __builtin_bswap16(ports[0]), dport = __builtin_bswap16(ports[1]);
	if (isolate_peer_open(peer, proto, ingress ? sport : dport, ingress ? dport : sport))
		return 1;
	__u32 slot = ingress ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&mamori_isolation_drops, &slot);
	if (n)
		*n += 1;
	return 0;
}

SEC("cgroup_skb/ingress")
int mamori_prevent_isolate_ingress(struct __sk_buff *skb)
{
	return isolate_skb(skb, true);
}

SEC("cgroup_skb/egress")
int mamori_prevent_isolate_egress(struct __sk_buff *skb)
{
	return isolate_skb(skb, false);
}
