// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS on the packet path: the queries a client socket sends and the answers it receives.
 *
 * Hooks: cgroup_skb/egress and cgroup_skb/ingress, attached at the cgroup v2 root, so every
 *        socket of every cgroup on every interface (loopback included) passes through them.
 *        Both always return 1 (allow): observation only, next to any enforcing skb program.
 * Context: struct __sk_buff, data starting at the network header (the kernel pushes it there
 *        for cgroup skb programs in both directions).
 * Emits: struct mamori_dns + the first MAMORI_DNS_DATA_MAX bytes of the DNS message into the
 *        priority lane, so a lookup is ordered before the connect that follows it.
 * Selection: egress with destination port 53 (a query), ingress with source port 53 (an
 *        answer), over UDP or TCP, IPv4 or IPv6 (no IPv6 extension headers, no IPv4
 *        non-first fragments); and egress UDP to any other port whose payload has the shape
 *        of a DNS query (dns_query_shape: tunnels and exfiltration listeners on custom ports). A local DNS server's own traffic (source port 53 leaving,
 *        destination port 53 arriving) is not reported: its clients' sockets are.
 * Attribution: a UDP send runs the egress hook synchronously in the sending task, so the
 *        query's owner is the current task; it is recorded on the socket (sk storage) and
 *        the answer arriving later (in softirq, any task current) takes the owner from there.
 *        TCP egress prefers the recorded owner (a retransmit may leave from a timer).
 * Bounds: no loops; one bounded copy (<= MAMORI_DNS_DATA_MAX) per DNS packet; at most
 *        MAMORI_DNS_BUDGET records per owner per second (the rest counted, not sent), so a
 *        DNS flood cannot crowd process records out of the priority lane.
 * Cost of a non-DNS packet: one bpf_skb_load_bytes of the IP header and ports (two with IPv4
 *        options) and a few compares; no map lookup (docs/kernel.md has the measured ns/run).
 */
/* cgroup skb: the current-task helpers are refused on 6.1, read the task (lib/task.h). */
#define MAMORI_SKB_CONTEXT 1
#include "lib/common.h"
#include "lib/maps.h"
#include "lib/emit.h"
#include "lib/task.h"
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define DNS_PORT_BE 0x3500      /* htons(53) */
#define ETH_P_IP_BE 0x0008      /* htons(0x0800) */
#define ETH_P_IPV6_BE 0xdd86    /* htons(0x86dd) */
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define MAMORI_DNS_BUDGET 256   /* records per owner tgid per second */
#define MAMORI_DNS_WINDOW_NS 1000000000ull

/* Who sent the last query on a socket: the owner of the answers it receives. */
struct dns_owner {
	__u32 tgid;
	__u32 pid;
	__u32 agent;      /* the owner is the agent (judged at the send, where it is current) */
	__u32 _pad;
	__u64 start_boottime_ns;
	struct mamori_subject subj;
};
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct dns_owner);
} mamori_dns_sock SEC(".maps");

/* Per-owner rate budget: (window start, records in the window). */
struct dns_budget {
	__u64 window_ns;
	__u64 count;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct dns_budget);
} mamori_dns_budget SEC(".maps");

/* DNS records not sent because their owner was over budget (per CPU; bpftool map dump). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} mamori_dns_suppressed SEC(".maps");

/* Where the DNS message starts and how the packet is addressed. */
struct dns_loc {
	__u32 off;        /* offset of the DNS message from the network header */
	__u32 avail;      /* bytes of the message in this packet */
	__u32 wire_len;   /* message length on the wire */
	__u16 family;
	__u8 protocol;
	__u8 _pad;
	__u16 sport, dport; /* network order, as in the packet */
	__u8 src[16], dst[16];
};

/* The first bytes of an IP packet: its header and, for the common header length, the ports. */
union dns_head {
	struct {
		struct iphdr ip;
		__be16 ports[2];   /* valid when ihl == 5 */
	} v4;
	struct {
		struct ipv6hdr ip6;
		__be16 ports[2];
	} v6;
};

/*
 * A UDP datagram to a port other than 53 whose payload starts like a standard DNS query: QR = 0,
 * opcode 0, one question, no answer or authority records, at most one additional (EDNS), and a
 * first label of 1..63 bytes. DNS tunnels and exfiltration listeners on custom ports (and a
 * lab's loopback resolver) speak this; other UDP protocols almost never match all of it. One
 * 13-byte bpf_skb_load_bytes (egress UDP to another port only; no direct packet access, which
 * 6.1 refuses here).
 */
MAMORI_ALWAYS bool dns_query_shape(struct __sk_buff *skb, __u32 l4)
{
	__u8 m[13];
	if (l4 > 60 || bpf_skb_load_bytes(skb, l4 + 8, m, sizeof(m)))
		return false;
	return (m[2] & 0xf8) == 0 && m[4] == 0 && m[5] == 1 && m[6] == 0 && m[7] == 0 &&
	       m[8] == 0 && m[9] == 0 && m[10] == 0 && m[11] <= 1 && m[12] >= 1 && m[12] <= 63;
}

/*
 * The cheap part, run on every packet: read the IP header and the transport ports with
 * bpf_skb_load_bytes (one call for IPv6 and option-less IPv4, two with IPv4 options) and decide
 * whether this is DNS for our direction. Returns false for everything else.
 * Not direct packet access: the 6.1 verifier refuses the skb->data_end load in a cgroup skb
 * program (EINVAL), and a copy with a constant length is accepted by every kernel; a packet too
 * short for the copy is no UDP or TCP packet with ports and fails the load.
 */
MAMORI_ALWAYS bool dns_locate(struct __sk_buff *skb, bool egress, struct dns_loc *loc)
{
	union dns_head h;
	__u32 l4;

	if (skb->protocol == ETH_P_IP_BE) {
		if (bpf_skb_load_bytes(skb, 0, &h.v4, sizeof(h.v4)))
			return false;
		if (h.v4.ip.protocol != IPPROTO_UDP_ && h.v4.ip.protocol != IPPROTO_TCP_)
			return false;
		if (h.v4.ip.frag_off & bpf_htons(0x1fff))
			return false;
		l4 = h.v4.ip.ihl * 4;
		if (l4 < sizeof(h.v4.ip) || l4 > 60)
			return false;
		if (l4 != sizeof(h.v4.ip) && bpf_skb_load_bytes(skb, l4, h.v4.ports, sizeof(h.v4.ports)))
			return false;
		loc->sport = h.v4.ports[0];
		loc->dport = h.v4.ports[1];
		loc->family = MAMORI_AF_INET;
		loc->protocol = h.v4.ip.protocol;
		__builtin_memcpy(loc->src, &h.v4.ip.saddr, 4);
		__builtin_memcpy(loc->dst, &h.v4.ip.daddr, 4);
	} else if (skb->protocol == ETH_P_IPV6_BE) {
		if (bpf_skb_load_bytes(skb, 0, &h.v6, sizeof(h.v6)))
			return false;
		if (h.v6.ip6.nexthdr != IPPROTO_UDP_ && h.v6.ip6.nexthdr != IPPROTO_TCP_)
			return false;
		l4 = sizeof(h.v6.ip6);
		loc->sport = h.v6.ports[0];
		loc->dport = h.v6.ports[1];
		loc->family = MAMORI_AF_INET6;
		loc->protocol = h.v6.ip6.nexthdr;
		__builtin_memcpy(loc->src, &h.v6.ip6.saddr, 16);
		__builtin_memcpy(loc->dst, &h.v6.ip6.daddr, 16);
	} else {
		return false;
	}
	if (egress ? loc->dport != DNS_PORT_BE : loc->sport != DNS_PORT_BE) {
		if (!egress || loc->protocol != IPPROTO_UDP_ || !dns_query_shape(skb, l4))
			return false;
	}

	if (loc->protocol == IPPROTO_UDP_) {
		loc->off = l4 + 8;
		if (skb->len < loc->off)
			return false;
		loc->avail = skb->len - loc->off;
		loc->wire_len = loc->avail;
	} else {
		/* TCP: data offset from the header, then the two-byte message length. Segments
		 * that carry no payload (SYN, ACK, FIN) end here. */
		__u8 doff_byte;
		__u16 prefix;
		if (bpf_skb_load_bytes(skb, l4 + 12, &doff_byte, 1))
			return false;
		loc->off = l4 + (doff_byte >> 4) * 4;
		if (skb->len < loc->off + 2 + 12)
			return false;
		if (bpf_skb_load_bytes(skb, loc->off, &prefix, 2))
			return false;
		loc->off += 2;
		loc->avail = skb->len - loc->off;
		loc->wire_len = bpf_ntohs(prefix);
	}
	return loc->avail > 0;
}

MAMORI_ALWAYS void dns_owner_from_current(struct mamori_config *cfg, struct dns_owner *o)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = mamori_current_pid_tgid();
	o->tgid = id >> 32;
	o->pid = (__u32)id;
	o->agent = mamori_is_agent(cfg, o->tgid);
	o->start_boottime_ns = mamori_group_start(task);
	mamori_fill_subject(&o->subj, task);
}

/* True while the owner has budget left this second (the budget is charged). */
MAMORI_ALWAYS bool dns_budget_take(__u32 tgid, __u64 now)
{
	struct dns_budget *b = bpf_map_lookup_elem(&mamori_dns_budget, &tgid);
	if (!b) {
		struct dns_budget fresh = {.window_ns = now, .count = 1};
		bpf_map_update_elem(&mamori_dns_budget, &tgid, &fresh, BPF_ANY);
		return true;
	}
	if (now - b->window_ns >= MAMORI_DNS_WINDOW_NS) {
		b->window_ns = now;
		b->count = 1;
		return true;
	}
	if (b->count >= MAMORI_DNS_BUDGET) {
		__u32 zero = 0;
		__u64 *n = bpf_map_lookup_elem(&mamori_dns_suppressed, &zero);
		if (n)
			*n += 1;
		return false;
	}
	b->count += 1;
	return true;
}

MAMORI_ALWAYS int dns_packet(struct __sk_buff *skb, bool egress)
{
	struct mamori_config *cfg;
	struct dns_loc loc = {};
	struct dns_owner owner = {};
	struct dns_owner *stored = NULL;
	struct bpf_sock *sk;
	struct mamori_dns *rec;
	__u32 flags = 0, n;
	__u64 now;

	if (!dns_locate(skb, egress, &loc))
		return 1;
	cfg = mamori_config();
	if (!cfg || !(cfg->flags & MAMORI_CFG_NET_EVENTS))
		return 1;

	sk = skb->sk;
	if (sk)
		sk = bpf_sk_fullsock(sk);
	if (sk)
		stored = bpf_sk_storage_get(&mamori_dns_sock, sk, 0,
					    egress ? BPF_SK_STORAGE_GET_F_CREATE : 0);
	if (egress && (loc.protocol == IPPROTO_UDP_ || !stored || stored->tgid == 0)) {
		dns_owner_from_current(cfg, &owner);
		if (stored)
			*stored = owner;
		flags |= MAMORI_DNS_OWNER_SENDER;
	} else if (stored && stored->tgid != 0) {
		owner = *stored;
		flags |= MAMORI_DNS_OWNER_SOCKET;
	}
	/* Not mamori_is_muted: an answer arrives in softirq, where current is not the owner. */
	if (owner.tgid && (owner.agent || bpf_map_lookup_elem(&mamori_muted, &owner.tgid)))
		return 1;
	now = bpf_ktime_get_boot_ns();
	if (!dns_budget_take(owner.tgid, now))
		return 1;

	rec = mamori_scratch();
	if (!rec)
		return 1;
	n = loc.avail;
	if (n > MAMORI_DNS_DATA_MAX)
		n = MAMORI_DNS_DATA_MAX;
	if (loc.wire_len > n)
		flags |= MAMORI_DNS_TRUNCATED;
	/*
	 * The verifier needs the copy length in [1, MAMORI_DNS_DATA_MAX] in the register passed.
	 * 6.1 does not learn it from compares clang may apply to a copy (n - 1 < MAX), so bound
	 * it by arithmetic: for n in [1, MAX] (avail > 0, clamped above) this is n itself.
	 */
	barrier_var(n);
	n = ((n - 1) & (MAMORI_DNS_DATA_MAX - 1)) + 1;
	if (bpf_skb_load_bytes(skb, loc.off, (char *)rec + sizeof(*rec), n))
		return 1;

	rec->hdr.kind = MAMORI_KIND_DNS;
	rec->hdr.version = MAMORI_ABI_VERSION;
	rec->hdr.size = sizeof(*rec) + n;
	rec->hdr.ktime_ns = now;
	rec->hdr.tgid = owner.tgid;
	rec->hdr.pid = owner.pid;
	rec->hdr.start_boottime_ns = owner.start_boottime_ns;
	rec->subj = owner.subj;
	rec->sock_cookie = bpf_get_socket_cookie(skb);
	rec->family = loc.family;
	rec->direction = egress ? MAMORI_DNS_EGRESS : MAMORI_DNS_INGRESS;
	rec->protocol = loc.protocol;
	__builtin_memset(rec->saddr, 0, sizeof(rec->saddr));
	__builtin_memset(rec->daddr, 0, sizeof(rec->daddr));
	/* Local end first: the packet's source on egress, its destination on ingress. */
	if (egress) {
		rec->sport = bpf_ntohs(loc.sport);
		rec->dport = bpf_ntohs(loc.dport);
		__builtin_memcpy(rec->saddr, loc.src, 16);
		__builtin_memcpy(rec->daddr, loc.dst, 16);
	} else {
		rec->sport = bpf_ntohs(loc.dport);
		rec->dport = bpf_ntohs(loc.sport);
		__builtin_memcpy(rec->saddr, loc.dst, 16);
		__builtin_memcpy(rec->daddr, loc.src, 16);
	}
	rec->flags = flags;
	rec->wire_len = loc.wire_len > 0xffff ? 0xffff : loc.wire_len;
	rec->data_len = n;
	mamori_output(cfg, MAMORI_LANE_PRIORITY, MAMORI_KIND_DNS, rec, sizeof(*rec) + n, now);
	return 1;
}

SEC("cgroup_skb/egress")
int mamori_dns_egress(struct __sk_buff *skb) { return dns_packet(skb, true); }

SEC("cgroup_skb/ingress")
int mamori_dns_ingress(struct __sk_buff *skb) { return dns_packet(skb, false); }
