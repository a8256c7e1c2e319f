// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network: connect, accept, listen (syscall tracepoints) and the first datagram of each UDP
 * flow sent to an explicit address, plus the first datagram after each silence of at least
 * MAMORI_UDP_BURST_GAP_NS (cgroup sendmsg4/6, attached at the cgroup v2 root): a datagram
 * beacon's every check-in is seen, a busy flow costs one record per TTL.
 *
 * Hooks: tracepoint/syscalls/sys_{enter,exit}_connect, sys_exit_accept{,4},
 *        sys_{enter,exit}_listen, cgroup/sendmsg4, cgroup/sendmsg6.
 * Emits: struct mamori_net into the priority lane. saddr/sport are always the local end,
 *        daddr/dport the remote end (for listen: daddr is zero).
 * Bounds: no loops; one sockaddr (<= 28 bytes) read from user memory per connect.
 * The sendmsg hooks always allow the datagram (return 1): enforcement lives elsewhere.
 */
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"

char LICENSE[] SEC("license") = "GPL";

#define MAMORI_EINPROGRESS 115
/* A datagram after this much silence on its flow starts a new burst and is reported: a timer
 * (beacon) sending every >= 250 ms is seen at every beat; at most 4 records/s per flow. */
#define MAMORI_UDP_BURST_GAP_NS 250000000ull

/* UDP flows already reported: (tgid, family, port, address) -> times of last report and send. */
struct udp_flow_key {
	__u32 tgid;
	__u16 family;
	__u16 dport;
	__u8 daddr[16];
};
struct udp_flow_seen {
	__u64 reported_ns;      /* boot ns of the last record */
	__u64 sent_ns;          /* boot ns of the last datagram */
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct udp_flow_key);
	__type(value, struct udp_flow_seen);
} mamori_udp_flows SEC(".maps");

struct sockaddr_any {
	__u16 family;
	__u16 port;       /* network order */
	__u32 addr4_or_flowinfo;
	__u8 addr6[16];
	__u32 scope;
};

MAMORI_ALWAYS bool net_enabled(struct mamori_config **cfg)
{
	*cfg = mamori_config();
	if (!*cfg || !((*cfg)->flags & MAMORI_CFG_NET_EVENTS))
		return false;
	return !mamori_is_muted(*cfg, bpf_get_current_pid_tgid() >> 32);
}

/* Local and remote endpoints of a socket. */
MAMORI_ALWAYS void net_fill_sock(struct mamori_net *n, struct sock *sk)
{
	n->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	n->protocol = BPF_CORE_READ(sk, sk_protocol);
	n->sock_type = BPF_CORE_READ(sk, sk_type);
	n->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	n->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (n->family == MAMORI_AF_INET6) {
		BPF_CORE_READ_INTO(&n->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&n->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		BPF_CORE_READ_INTO((__u32 *)n->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)n->daddr, sk, __sk_common.skc_daddr);
	}
}

MAMORI_ALWAYS void net_emit(struct mamori_config *cfg, struct mamori_net *n, __u16 op, __s32 result)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 now = bpf_ktime_get_boot_ns();
	n->op = op;
	n->result = result;
	mamori_fill_subject(&n->subj, task);
	mamori_fill_header(&n->hdr, MAMORI_KIND_NET, sizeof(*n), task, now);
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_NET, n, sizeof(*n), now);
}

MAMORI_ALWAYS int net_save(__u32 op, int fd, __u64 uaddr, __u32 len)
{
	struct mamori_config *cfg;
	struct mamori_pending p = {};
	__u64 id = bpf_get_current_pid_tgid();
	if (!net_enabled(&cfg))
		return 0;
	p.op = op;
	p.fd1 = fd;
	p.ptr1 = uaddr;
	p.len = len;
	bpf_map_update_elem(&mamori_pending_map, &id, &p, BPF_ANY);
	return 0;
}

MAMORI_ALWAYS struct mamori_pending *net_take(__u32 op, __u64 *id)
{
	struct mamori_pending *p;
	*id = bpf_get_current_pid_tgid();
	p = bpf_map_lookup_elem(&mamori_pending_map, id);
	if (!p || p->op != op)
		return NULL;
	return p;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int mamori_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	return net_save(MAMORI_NET_CONNECT, (int)ctx->args[0], ctx->args[1], (__u32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int mamori_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct mamori_pending *p;
	struct sockaddr_any sa = {};
	struct mamori_net n = {};
	struct sock *sk;
	__u64 id;
	int fd;

	if (!cfg || !(p = net_take(MAMORI_NET_CONNECT, &id)))
		return 0;
	fd = p->fd1;
	bpf_probe_read_user(&sa, sizeof(sa) < p->len ? sizeof(sa) : (p->len & 31), (void *)p->ptr1);
	bpf_map_delete_elem(&mamori_pending_map, &id);
	if (sa.family != MAMORI_AF_INET && sa.family != MAMORI_AF_INET6)
		return 0; /* unix, netlink, AF_UNSPEC disconnects: not network egress */
	sk = mamori_fd_sock(task, fd);
	if (sk)
		net_fill_sock(&n, sk);
	/*
	 * What the kernel used wins over user memory: the sockaddr read above is re-read at exit,
	 * and another thread may have rewritten it after the kernel copied it (an evasion). When
	 * the connect succeeded or is under way, the socket holds the destination the kernel
	 * really connected to; only a failed connect (nothing reached) falls back to the
	 * requested address.
	 */
	long ret = ctx->ret;
	bool sock_has_peer = sk && (ret == 0 || ret == -MAMORI_EINPROGRESS) && n.dport != 0 &&
			     n.family == sa.family;
	if (!sock_has_peer) {
		n.family = sa.family;
		n.dport = __builtin_bswap16(sa.port);
		__builtin_memset(n.daddr, 0, sizeof(n.daddr));
		if (sa.family == MAMORI_AF_INET)
			__builtin_memcpy(n.daddr, &sa.addr4_or_flowinfo, 4);
		else
			__builtin_memcpy(n.daddr, sa.addr6, 16);
	}
	net_emit(cfg, &n, MAMORI_NET_CONNECT, (__s32)ret);
	return 0;
}

MAMORI_ALWAYS int accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg;
	struct mamori_net n = {};
	struct sock *sk;
	if (ctx->ret < 0 || !net_enabled(&cfg))
		return 0;
	sk = mamori_fd_sock((struct task_struct *)bpf_get_current_task(), (int)ctx->ret);
	if (!sk)
		return 0;
	net_fill_sock(&n, sk);
	if (n.family != MAMORI_AF_INET && n.family != MAMORI_AF_INET6)
		return 0;
	net_emit(cfg, &n, MAMORI_NET_ACCEPT, (__s32)ctx->ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int mamori_accept_exit(struct trace_event_raw_sys_exit *ctx) { return accept_exit(ctx); }

SEC("tracepoint/syscalls/sys_exit_accept4")
int mamori_accept4_exit(struct trace_event_raw_sys_exit *ctx) { return accept_exit(ctx); }

SEC("tracepoint/syscalls/sys_enter_listen")
int mamori_listen_enter(struct trace_event_raw_sys_enter *ctx)
{
	return net_save(MAMORI_NET_LISTEN, (int)ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_exit_listen")
int mamori_listen_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct mamori_config *cfg = mamori_config();
	struct mamori_pending *p;
	struct mamori_net n = {};
	struct sock *sk;
	__u64 id;
	int fd;
	if (!cfg || !(p = net_take(MAMORI_NET_LISTEN, &id)))
		return 0;
	fd = p->fd1;
	bpf_map_delete_elem(&mamori_pending_map, &id);
	sk = mamori_fd_sock((struct task_struct *)bpf_get_current_task(), fd);
	if (!sk)
		return 0;
	net_fill_sock(&n, sk);
	if (n.family != MAMORI_AF_INET && n.family != MAMORI_AF_INET6)
		return 0;
	net_emit(cfg, &n, MAMORI_NET_LISTEN, (__s32)ctx->ret);
	return 0;
}

/* First datagram of a flow to an explicit destination, and the first after a silence of
 * MAMORI_UDP_BURST_GAP_NS; other repeats within the TTL only update the flow's send time. */
MAMORI_ALWAYS int udp_send(struct bpf_sock_addr *ctx, __u16 family)
{
	struct mamori_config *cfg;
	struct udp_flow_key key = {};
	struct mamori_net n = {};
	struct udp_flow_seen *last, seen = {};
	__u64 now;

	if (!net_enabled(&cfg))
		return 1;
	key.tgid = bpf_get_current_pid_tgid() >> 32;
	key.family = family;
	key.dport = __builtin_bswap16((__u16)ctx->user_port);
	if (family == MAMORI_AF_INET) {
		__u32 a = ctx->user_ip4;
		__builtin_memcpy(key.daddr, &a, 4);
	} else {
		__u32 a[4] = {ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3]};
		__builtin_memcpy(key.daddr, a, 16);
	}
	now = bpf_ktime_get_boot_ns();
	last = bpf_map_lookup_elem(&mamori_udp_flows, &key);
	if (last) {
		bool quiet = now - last->sent_ns >= MAMORI_UDP_BURST_GAP_NS;
		last->sent_ns = now;
		if (!quiet && now - last->reported_ns < cfg->udp_flow_ttl_ns)
			return 1;
		last->reported_ns = now;
	} else {
		seen.reported_ns = now;
		seen.sent_ns = now;
		bpf_map_update_elem(&mamori_udp_flows, &key, &seen, BPF_ANY);
	}

	n.family = family;
	n.protocol = ctx->protocol;
	n.sock_type = ctx->type;
	n.dport = key.dport;
	__builtin_memcpy(n.daddr, key.daddr, 16);
	if (ctx->sk) {
		n.sport = ctx->sk->src_port;
		if (family == MAMORI_AF_INET) {
			__u32 s = ctx->sk->src_ip4;
			__builtin_memcpy(n.saddr, &s, 4);
		}
	}
	net_emit(cfg, &n, MAMORI_NET_SEND, 0);
	return 1;
}

SEC("cgroup/sendmsg4")
int mamori_sendmsg4(struct bpf_sock_addr *ctx) { return udp_send(ctx, MAMORI_AF_INET); }

SEC("cgroup/sendmsg6")
int mamori_sendmsg6(struct bpf_sock_addr *ctx) { return udp_send(ctx, MAMORI_AF_INET6); }
