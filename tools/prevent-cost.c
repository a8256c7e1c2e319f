/* Measures ns/call of the prevention programs with bpf_stats (run_time_ns / run_cnt).
 * Build: gcc -O2 -Ibpf/include tools/prevent-cost.c -o /tmp/prevent-cost -lbpf
 * Run (root, after make bpf): sysctl kernel.bpf_stats_enabled=1;
 *   /tmp/prevent-cost build/bpf/mamori.bpf.o <cgroup2 mount>; sysctl kernel.bpf_stats_enabled=0
 * Attaches mamori_prevent_exec and mamori_prevent_connect4 only (connect4 at the cgroup root,
 * always allowing: the one egress entry is TEST-NET-1 at level 4, host level 0). */
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "mamori/abi.h"

static void stats(struct bpf_program *p, __u64 *ns, __u64 *cnt) {
	struct bpf_prog_info info = {}; __u32 len = sizeof(info);
	bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
	*ns = info.run_time_ns; *cnt = info.run_cnt;
}
static void workload(int execs, int connects) {
	for (int i = 0; i < execs; i++) { pid_t c = fork(); if (!c) { execl("/bin/true", "true", NULL); _exit(1);} waitpid(c, NULL, 0); }
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(0x7f000001) };
	for (int i = 0; i < connects; i++) { int fd = socket(AF_INET, SOCK_DGRAM, 0); connect(fd, (void*)&a, sizeof(a)); close(fd); }
}
int main(int argc, char **argv) {
	const char *cg = argv[2];
	struct bpf_object *obj = bpf_object__open(argv[1]);
	struct bpf_program *p, *pexec = NULL, *pconn = NULL;
	bpf_object__for_each_program(p, obj) {
		const char *n = bpf_program__name(p);
		if (!strcmp(n, "mamori_prevent_exec")) pexec = p;
		else if (!strcmp(n, "mamori_prevent_connect4")) pconn = p;
		else bpf_program__set_autoload(p, false);
	}
	if (bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 1; }
	int cgfd = open(cg, O_RDONLY);
	struct bpf_link *l1 = bpf_program__attach(pexec), *l2 = bpf_program__attach_cgroup(pconn, cgfd);
	if (!l1 || !l2) { fprintf(stderr, "attach failed\n"); return 1; }
	int cfg = bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_config_map"));
	struct mamori_config c = {}; __u32 zero = 0;
	c.self_tgid = 0;
	for (int round = 0; round < 2; round++) {
		if (round == 1) {
			c.flags = MAMORI_CFG_HAS_SCOPES | MAMORI_CFG_HAS_EXEC_POLICY | MAMORI_CFG_HAS_EGRESS | (getenv("NO_TREE") ? 0 : MAMORI_CFG_HAS_EXEC_TREE);
			__u64 id = 0xfffffffffff0ull; struct mamori_scope s = { .level = 2 };
			bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_scope")), &id, &s, 0);
			struct mamori_inode_key k = { .dev = 0xfffff, .ino = 12345 }; struct mamori_exec_rule r = { .flags = MAMORI_EXECP_TREE, .min_level = 4 };
			bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_exec_policy")), &k, &r, 0);
			struct mamori_egress_key ek = { .prefixlen = 32 + 96 + 24, .policy = 0 };
			ek.addr[10] = ek.addr[11] = 0xff; ek.addr[12] = 192; ek.addr[14] = 2;
			struct mamori_egress_rule er = { .policy_id = 1, .verdict = MAMORI_EGRESS_DENY, .min_level = 4, .prefixlen = 32 + 96 + 24 };
			bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "mamori_egress")), &ek, &er, 0);
		}
		bpf_map_update_elem(cfg, &zero, &c, 0);
		__u64 n0, c0, n1, c1, m0, d0, m1, d1;
		stats(pexec, &n0, &c0); stats(pconn, &m0, &d0);
		workload(1000, 20000);
		stats(pexec, &n1, &c1); stats(pconn, &m1, &d1);
		printf("%s: prevent_exec %.0f ns/call (%llu calls), prevent_connect4 %.0f ns/call (%llu calls)\n",
		       round ? "policy present (scope walk + tree walk + LPM, no match)" : "no policy (config lookup only)",
		       (double)(n1 - n0) / (c1 - c0), c1 - c0, (double)(m1 - m0) / (d1 - d0), d1 - d0);
	}
	bpf_link__destroy(l1); bpf_link__destroy(l2); bpf_object__close(obj);
	return 0;
}
