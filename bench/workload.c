/*
 * mamori-workload: the system-call loops `mamori bench` times under each mode.
 *
 *   mamori-workload KIND [--duration-ms N] [--count N] [--rate R] [--true PATH] [--dir D]
 *
 * KIND: exec     fork + execve(--true) + waitpid
 *       connect  TCP socket/connect/accept/close on 127.0.0.1 (one listener)
 *       udp      sendto 127.0.0.1 (a bound receiver drained every 64 sends)
 *       file     open(O_CREAT|O_TRUNC) + write 64 B + close + rename + chmod + unlink in --dir
 *       read     open(O_RDONLY) + read 4 KiB + close of unwatched files in --dir
 *       mixed    a "server" iteration: 1 connect/accept, 4 reads, 1 file cycle, 1 UDP send,
 *                and one exec every 32 iterations
 *       chmod    chmod of one file in --dir: exactly one sensor event per call; with --rate the
 *                loop is paced to R calls/s, with --count it stops after N calls (a burst);
 *                --procs P splits rate and count over P processes (one file each)
 * Runs a 100 ms warm-up (not for chmod), then the loop for --duration-ms (or --count ops), and
 * prints one line: "ops=<n> elapsed_ns=<ns> events_per_op=<expected sensor events per op>".
 * Loopback and --dir only; removes what it creates.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *true_bin = "/bin/true";
static const char *dir = "/tmp";
static int listen_fd = -1, udp_fd = -1, udp_rx = -1;
static struct sockaddr_in tcp_addr, udp_addr;
static uint64_t *slots;
static int slot = -1;
static char path_a[4096], path_b[4096], read_paths[16][4096];

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "mamori-workload: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void op_exec(void)
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		char *argv[] = {(char *)true_bin, NULL};
		char *envp[] = {NULL};
		execve(true_bin, argv, envp);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
}

static void setup_tcp(void)
{
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		die("socket");
	memset(&tcp_addr, 0, sizeof(tcp_addr));
	tcp_addr.sin_family = AF_INET;
	tcp_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(listen_fd, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr)) || listen(listen_fd, 512))
		die("bind/listen");
	socklen_t len = sizeof(tcp_addr);
	getsockname(listen_fd, (struct sockaddr *)&tcp_addr, &len);
}

static void op_connect(void)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		die("socket");
	/* close with RST (linger 0) so TIME_WAIT does not exhaust loopback ports */
	struct linger lg = {1, 0};
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (connect(c, (struct sockaddr *)&tcp_addr, sizeof(tcp_addr)))
		die("connect");
	int a = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		die("accept");
	close(c);
	close(a);
}

static void setup_udp(void)
{
	udp_rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (udp_rx < 0 || udp_fd < 0)
		die("socket");
	memset(&udp_addr, 0, sizeof(udp_addr));
	udp_addr.sin_family = AF_INET;
	udp_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(udp_rx, (struct sockaddr *)&udp_addr, sizeof(udp_addr)))
		die("bind");
	socklen_t len = sizeof(udp_addr);
	getsockname(udp_rx, (struct sockaddr *)&udp_addr, &len);
}

static void op_udp(uint64_t i)
{
	static const char msg[64] = "mamori-bench";
	if (sendto(udp_fd, msg, sizeof(msg), 0, (struct sockaddr *)&udp_addr, sizeof(udp_addr)) < 0 && errno != ENOBUFS)
		die("sendto");
	if ((i & 63) == 63) {
		char buf[128];
		while (recv(udp_rx, buf, sizeof(buf), MSG_DONTWAIT) > 0) {}
	}
}

static void op_file(void)
{
	static const char data[64] = "mamori benchmark file storm";
	int fd = open(path_a, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("open");
	if (write(fd, data, sizeof(data)) < 0)
		die("write");
	close(fd);
	if (rename(path_a, path_b))
		die("rename");
	if (chmod(path_b, 0600))
		die("chmod");
	if (unlink(path_b))
		die("unlink");
}

static void setup_read(void)
{
	char buf[4096];
	memset(buf, 'r', sizeof(buf));
	for (int i = 0; i < 16; i++) {
		snprintf(read_paths[i], sizeof(read_paths[i]), "%s/read-%d", dir, i);
		int fd = open(read_paths[i], O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, buf, sizeof(buf)) < 0)
			die("setup read file");
		close(fd);
	}
}

static void op_read(uint64_t i)
{
	char buf[4096];
	int fd = open(read_paths[i & 15], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open");
	if (read(fd, buf, sizeof(buf)) < 0)
		die("read");
	close(fd);
}

static void op_mixed(uint64_t i)
{
	op_connect();
	for (int k = 0; k < 4; k++)
		op_read(i * 4 + k);
	op_file();
	op_udp(i);
	if ((i & 31) == 0)
		op_exec();
}

static void op_chmod(uint64_t i)
{
	if (chmod(path_a, (i & 1) ? 0600 : 0644))
		die("chmod");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: mamori-workload exec|connect|udp|file|read|mixed|chmod [--duration-ms N] [--count N] [--rate R] [--true PATH] [--dir D]\n");
		return 2;
	}
	const char *kind = argv[1];
	uint64_t duration_ms = 1000, count = 0, rate = 0, procs = 1;
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--duration-ms")) duration_ms = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--count")) count = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--rate")) rate = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--procs")) procs = strtoull(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--true")) true_bin = argv[i + 1];
		else if (!strcmp(argv[i], "--dir")) dir = argv[i + 1];
		else { fprintf(stderr, "mamori-workload: unknown option %s\n", argv[i]); return 2; }
	}
	snprintf(path_a, sizeof(path_a), "%s/storm-a", dir);
	snprintf(path_b, sizeof(path_b), "%s/storm-b", dir);

	int k;
	double events_per_op;
	if (!strcmp(kind, "exec")) { k = 0; events_per_op = 3; }                  /* fork, exec, exit */
	else if (!strcmp(kind, "connect")) { k = 1; setup_tcp(); events_per_op = 2; } /* connect, accept */
	else if (!strcmp(kind, "udp")) { k = 2; setup_udp(); events_per_op = 0; }  /* first per flow only */
	else if (!strcmp(kind, "file")) { k = 3; events_per_op = 4; }              /* create, rename, chmod, unlink */
	else if (!strcmp(kind, "read")) { k = 4; setup_read(); events_per_op = 0; }
	else if (!strcmp(kind, "mixed")) { k = 5; setup_tcp(); setup_udp(); setup_read(); events_per_op = 6 + 3.0 / 32; }
	else if (!strcmp(kind, "chmod")) {
		k = 6; events_per_op = 1;
		if (procs > 1) { /* split over processes; each reports its ops into a shared slot */
			if (procs > 64) procs = 64;
			slots = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
			if (slots == MAP_FAILED) die("mmap");
			uint64_t t0 = now_ns();
			for (uint64_t p = 0; p < procs; p++) {
				if (fork() == 0) {
					slot = (int)p;
					snprintf(path_a, sizeof(path_a), "%s/storm-a%llu", dir, (unsigned long long)p);
					rate /= procs;
					count /= procs;
					break;
				}
			}
			if (slot < 0) {
				while (wait(NULL) > 0) {}
				uint64_t ops = 0;
				for (uint64_t p = 0; p < procs; p++) ops += slots[p];
				printf("ops=%llu elapsed_ns=%llu events_per_op=1.0000\n", (unsigned long long)ops,
				       (unsigned long long)(now_ns() - t0));
				return 0;
			}
		}
		int fd = open(path_a, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0) die("create chmod target");
		close(fd);
	} else { fprintf(stderr, "mamori-workload: unknown workload %s\n", kind); return 2; }

	uint64_t i = 0;
	if (k != 6) { /* warm-up: caches, page tables, socket buffers */
		uint64_t until = now_ns() + 100000000ull;
		while (now_ns() < until)
			for (int n = 0; n < 16; n++, i++)
				switch (k) {
				case 0: op_exec(); n = 16; break;
				case 1: op_connect(); break;
				case 2: op_udp(i); break;
				case 3: op_file(); break;
				case 4: op_read(i); break;
				case 5: op_mixed(i); n = 16; break;
				}
	}

	uint64_t ops = 0, start = now_ns(), deadline = start + duration_ms * 1000000ull;
	for (;;) {
		switch (k) {
		case 0: op_exec(); break;
		case 1: op_connect(); break;
		case 2: op_udp(ops); break;
		case 3: op_file(); break;
		case 4: op_read(ops); break;
		case 5: op_mixed(ops); break;
		case 6: op_chmod(ops); break;
		}
		ops++;
		if (count) {
			if (ops >= count) break;
			if (!rate) continue;
		}
		if ((ops & 15) == 0 || k == 0 || k == 5) {
			uint64_t t = now_ns();
			if (!count && t >= deadline) break;
			if (rate) { /* pace: ahead of schedule → sleep until the next op is due */
				uint64_t due = start + ops * 1000000000ull / rate;
				if (due > t + 50000) {
					struct timespec ts = {0, (long)(due - t)};
					nanosleep(&ts, NULL);
				}
			}
		}
	}
	uint64_t elapsed = now_ns() - start;
	if (k == 3 || k == 6) { unlink(path_a); unlink(path_b); }
	if (k == 4 || k == 5) for (int n = 0; n < 16; n++) unlink(read_paths[n]);
	if (k == 5) unlink(path_b);
	if (slot >= 0) { slots[slot] = ops; return 0; }
	printf("ops=%llu elapsed_ns=%llu events_per_op=%.4f\n", (unsigned long long)ops,
	       (unsigned long long)elapsed, events_per_op);
	return 0;
}
