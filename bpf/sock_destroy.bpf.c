/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Isolation, second half: destroy the established sockets of an isolated cgroup.
 *
 * Hooks: iter/tcp and iter/udp (BPF socket iterators, run when userspace reads an iterator fd
 * it created from the link). Context: struct bpf_iter__tcp / bpf_iter__udp, one socket per
 * call, the socket locked by the iterator, which is what bpf_sock_destroy() (kfunc, 6.5+)
 * requires. Emits nothing: counts what it destroyed in `destroyed` (.bss).
 *
 * Which sockets: owned by `target_cgid` or a cgroup below it (sk_cgrp_data.cgroup, up to 16
 * levels), and whose peer is not loopback (isolation keeps loopback and the management
 * networks; the latter are in `keep`, filled by userspace from the policy; ports are not
 * compared, so a kept network is kept whole), not below a protected scope (`exempt`). Listening
 * sockets are destroyed too (a bind shell), unless bound to loopback only.
 *
 * Its own object and skeleton (generated/sockdestroy.skel.h): on a kernel without the kfunc
 * (Debian's 6.1) only this object fails to load, and isolation falls back to the cgroup skb
 * programs starving the sockets (prevent_net.bpf.c). Verifier bounds: the ancestry walk is
 * 16 iterations, the keep list 16 entries.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_sock_destroy(struct sock_common *sk) __ksym;

#define SD_AF_INET 2
#define SD_AF_INET6 10
#define SD_DEPTH 16
#define SD_KEEP 16


__u64 target_cgid = 0;
__u64 destroyed = 0;
__u64 examined = 0;
/* Networks kept reachable: IPv4-mapped or IPv6 address, and the prefix length over 128 bits
 * plus one (0 = unused slot). Flat arrays: the skeleton cannot name a struct type. */
__u8 keep_addr[SD_KEEP][16] = {};
__u32 keep_prefix[SD_KEEP] = {};
/* Protected scopes (the agent's unit, policy-protected units): their sockets are kept even
 * below an isolated cgroup, as the skb programs keep their packets. */
__u64 exempt[SD_KEEP] = {};

static __always_inline bool sd_exempt(__u64 id)
{
	for (int k = 0; k < SD_KEEP; k++)
		if (exempt[k] && exempt[k] == id)
			return true;
	return false;
}

/* Owned by target_cgid or below, and by no exempt cgroup on the way up. */
static __always_inline bool sd_in_target(struct sock *sk)
{
	struct cgroup *cg = BPF_CORE_READ(sk, sk_cgrp_data.cgroup);
	for (int i = 0; i < SD_DEPTH && cg; i++) {
		__u64 id = BPF_CORE_READ(cg, kn, id);
		if (sd_exempt(id))
			return false;
		if (id == target_cgid)
			return true;
		/* struct cgroup starts with its cgroup_subsys_state `self`: the parent css is the parent cgroup. */
		cg = (struct cgroup *)BPF_CORE_READ(cg, self.parent);
	}
	return false;
}

static __always_inline bool sd_loopback(const __u8 *a)
{
	bool mapped = true;
	for (int i = 0; i < 10; i++)
		if (a[i])
			mapped = false;
	if (mapped && a[10] == 0xff && a[11] == 0xff)
		return a[12] == 127;
	for (int i = 0; i < 15; i++)
		if (a[i])
			return false;
	return a[15] == 1;
}

static __always_inline bool sd_kept(const __u8 *a)
{
	for (int k = 0; k < SD_KEEP; k++) {
		__u32 prefix = keep_prefix[k];
		if (prefix == 0 || prefix > 129)
			continue;
		prefix -= 1;
		bool match = true;
		for (int b = 0; b < 16; b++) {
			__u32 bits = prefix > (__u32)b * 8 ? prefix - (__u32)b * 8 : 0;
			if (bits == 0)
				break;
			__u8 mask = bits >= 8 ? 0xff : (__u8)(0xff << (8 - bits));
			if ((a[b] & mask) != (keep_addr[k][b] & mask)) {
				match = false;
				break;
			}
		}
		if (match)
			return true;
	}
	return false;
}

/* The address of one end as 16 bytes (IPv4 mapped). `peer`: remote end, else local. */
static __always_inline bool sd_addr(struct sock_common *skc, bool peer, __u8 *out)
{
	__u16 family = BPF_CORE_READ(skc, skc_family);
	if (family == SD_AF_INET) {
		__u32 v4 = peer ? BPF_CORE_READ(skc, skc_daddr) : BPF_CORE_READ(skc, skc_rcv_saddr);
		__builtin_memset(out, 0, 16);
		out[10] = 0xff;
		out[11] = 0xff;
		__builtin_memcpy(&out[12], &v4, 4);
		return true;
	}
	if (family == SD_AF_INET6) {
		struct in6_addr a = peer ? BPF_CORE_READ(skc, skc_v6_daddr) : BPF_CORE_READ(skc, skc_v6_rcv_saddr);
		__builtin_memcpy(out, &a, 16);
		return true;
	}
	return false;
}

static __always_inline int sd_visit(struct sock_common *skc)
{
	__u8 addr[16];
	if (!skc || !target_cgid)
		return 0;
	examined++;
	if (!sd_in_target((struct sock *)skc))
		return 0;
	if (!sd_addr(skc, true, addr))
		return 0;
	bool unconnected = true;
	for (int i = 0; i < 16; i++)
		if (addr[i] && !(i == 10 || i == 11))
			unconnected = false;
	if (unconnected) {
		/* A listener or an unconnected UDP socket: judge it by the address it is bound to. */
		if (!sd_addr(skc, false, addr))
			return 0;
		if (sd_loopback(addr))
			return 0;
	} else if (sd_loopback(addr) || sd_kept(addr)) {
		return 0;
	}
	if (bpf_sock_destroy(skc) == 0)
		destroyed++;
	return 0;
}

SEC("iter/tcp")
int mamori_sock_destroy_tcp(struct bpf_iter__tcp *ctx)
{
	return sd_visit(ctx->sk_common);
}

SEC("iter/udp")
int mamori_sock_destroy_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;
	return sd_visit(udp ? (struct sock_common *)&udp->inet.sk.__sk_common : NULL);
}
