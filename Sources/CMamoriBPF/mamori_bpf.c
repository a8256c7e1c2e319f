#define _GNU_SOURCE 1
#include "mamori_bpf.h"
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if __has_include("mamori.skel.h")
#include "mamori.skel.h"
#define MAMORI_HAVE_SKEL 1
#else
#define MAMORI_HAVE_SKEL 0
#endif

int mamori_bpf_embedded(void) { return MAMORI_HAVE_SKEL; }

struct mamori_bpf *mamori_bpf_open(void)
{
#if MAMORI_HAVE_SKEL
	return (struct mamori_bpf *)mamori_bpf__open();
#else
	errno = ENOENT;
	return NULL;
#endif
}

struct bpf_object *mamori_bpf_object(struct mamori_bpf *skel)
{
#if MAMORI_HAVE_SKEL
	return skel ? ((struct mamori_bpf *)skel)->obj : NULL;
#else
	(void)skel;
	return NULL;
#endif
}

int mamori_bpf_load(struct mamori_bpf *skel)
{
#if MAMORI_HAVE_SKEL
	int err = mamori_bpf__load((struct mamori_bpf *)skel);
	return err ? (errno ? -errno : err) : 0;
#else
	(void)skel;
	return -ENOENT;
#endif
}

void mamori_bpf_destroy(struct mamori_bpf *skel)
{
#if MAMORI_HAVE_SKEL
	if (skel)
		mamori_bpf__destroy((struct mamori_bpf *)skel);
#else
	(void)skel;
#endif
}

/* ---- isolation socket destroyer ---- */
#if __has_include("sockdestroy.skel.h")
#include "sockdestroy.skel.h"
#include <bpf/bpf.h>
#include <unistd.h>
#define MAMORI_HAVE_SOCKDESTROY 1
#else
#define MAMORI_HAVE_SOCKDESTROY 0
#endif

int mamori_sockdestroy_embedded(void) { return MAMORI_HAVE_SOCKDESTROY; }

struct mamori_sockdestroy *mamori_sockdestroy_open_load(void)
{
#if MAMORI_HAVE_SOCKDESTROY
	struct mamori_sockdestroy *skel = mamori_sockdestroy__open_and_load();
	if (!skel && !errno)
		errno = EINVAL;
	return skel;
#else
	errno = ENOENT;
	return NULL;
#endif
}

#if MAMORI_HAVE_SOCKDESTROY
#include <sched.h>

/* A socket iterator walks the network namespace its fd was created in: create it on a
 * short-lived thread that joined `netns_fd` (setns is per thread for CLONE_NEWNET), so the
 * caller's own thread never changes namespace. */
struct sockdestroy_create {
	int link_fd;
	int netns_fd;
	int iter_fd;
	int err;
};

static void *sockdestroy_create_in_netns(void *arg)
{
	struct sockdestroy_create *c = arg;
	if (setns(c->netns_fd, CLONE_NEWNET) != 0) {
		c->err = -errno;
		return NULL;
	}
	c->iter_fd = bpf_iter_create(c->link_fd);
	if (c->iter_fd < 0)
		c->err = -errno;
	return NULL;
}

/* Attach one iterator program, read it to its end in the caller's namespace and in each of
 * `netns_fds` (each read runs the program over a batch of sockets), detach. */
static int sockdestroy_iterate(struct bpf_program *prog, const int *netns_fds, int netns_count)
{
	char buf[256];
	int err = 0;
	struct bpf_link *link = bpf_program__attach_iter(prog, NULL);
	if (!link)
		return errno ? -errno : -EINVAL;
	for (int i = -1; i < netns_count && !err; i++) {
		int fd;
		if (i < 0) {
			fd = bpf_iter_create(bpf_link__fd(link));
			if (fd < 0)
				err = -errno;
		} else {
			struct sockdestroy_create c = {.link_fd = bpf_link__fd(link), .netns_fd = netns_fds[i], .iter_fd = -1};
			pthread_t t;
			if (pthread_create(&t, NULL, sockdestroy_create_in_netns, &c) != 0) {
				err = -EAGAIN;
				break;
			}
			pthread_join(t, NULL);
			fd = c.iter_fd;
			if (fd < 0)
				continue; /* that namespace is gone or refused us: the others still count */
		}
		if (fd < 0)
			break;
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				err = -errno;
				break;
			}
		}
		close(fd);
	}
	bpf_link__destroy(link);
	return err;
}
#endif

int mamori_sockdestroy_run(struct mamori_sockdestroy *skel, unsigned long long cgid,
                           const unsigned char *addrs, const unsigned int *prefixes, int count,
                           const unsigned long long *exempt, int exempt_count,
                           const int *netns_fds, int netns_count,
                           unsigned long long *destroyed, unsigned long long *examined)
{
#if MAMORI_HAVE_SOCKDESTROY
	if (!skel || !skel->bss)
		return -EINVAL;
	int n = count < 0 ? 0 : count;
	int cap = (int)(sizeof(skel->bss->keep_prefix) / sizeof(skel->bss->keep_prefix[0]));
	if (n > cap)
		n = cap;
	memset(skel->bss->keep_addr, 0, sizeof(skel->bss->keep_addr));
	memset(skel->bss->keep_prefix, 0, sizeof(skel->bss->keep_prefix));
	for (int i = 0; i < n; i++) {
		memcpy(skel->bss->keep_addr[i], addrs + 16 * i, 16);
		skel->bss->keep_prefix[i] = prefixes[i];
	}
	int e = exempt_count < 0 ? 0 : exempt_count;
	if (e > cap)
		e = cap;
	memset(skel->bss->exempt, 0, sizeof(skel->bss->exempt));
	for (int i = 0; i < e; i++)
		skel->bss->exempt[i] = exempt[i];
	skel->bss->destroyed = 0;
	skel->bss->examined = 0;
	skel->bss->target_cgid = cgid;
	int ns = netns_count < 0 ? 0 : netns_count;
	int err = sockdestroy_iterate(skel->progs.mamori_sock_destroy_tcp, netns_fds, ns);
	if (!err)
		err = sockdestroy_iterate(skel->progs.mamori_sock_destroy_udp, netns_fds, ns);
	skel->bss->target_cgid = 0;
	if (destroyed)
		*destroyed = skel->bss->destroyed;
	if (examined)
		*examined = skel->bss->examined;
	return err;
#else
	(void)skel; (void)cgid; (void)addrs; (void)prefixes; (void)count; (void)exempt; (void)exempt_count;
	(void)netns_fds; (void)netns_count; (void)destroyed; (void)examined;
	return -ENOENT;
#endif
}

void mamori_sockdestroy_destroy(struct mamori_sockdestroy *skel)
{
#if MAMORI_HAVE_SOCKDESTROY
	if (skel)
		mamori_sockdestroy__destroy(skel);
#else
	(void)skel;
#endif
}

/* ---- benchmark floor skeleton ---- */
#if __has_include("floor.skel.h")
#include "floor.skel.h"
#define MAMORI_HAVE_FLOOR 1
#else
#define MAMORI_HAVE_FLOOR 0
#endif

int mamori_floor_embedded(void) { return MAMORI_HAVE_FLOOR; }

struct mamori_floor *mamori_floor_open(void)
{
#if MAMORI_HAVE_FLOOR
	return (struct mamori_floor *)mamori_floor__open();
#else
	errno = ENOENT;
	return NULL;
#endif
}

struct bpf_object *mamori_floor_object(struct mamori_floor *skel)
{
#if MAMORI_HAVE_FLOOR
	return skel ? ((struct mamori_floor *)skel)->obj : NULL;
#else
	(void)skel;
	return NULL;
#endif
}

int mamori_floor_load(struct mamori_floor *skel)
{
#if MAMORI_HAVE_FLOOR
	int err = mamori_floor__load((struct mamori_floor *)skel);
	return err ? (errno ? -errno : err) : 0;
#else
	(void)skel;
	return -ENOENT;
#endif
}

void mamori_floor_destroy(struct mamori_floor *skel)
{
#if MAMORI_HAVE_FLOOR
	if (skel)
		mamori_floor__destroy((struct mamori_floor *)skel);
#else
	(void)skel;
#endif
}

/* ---- libbpf log capture: a bounded ring of text, newest kept ---- */
#define LOG_CAP (64 * 1024)
static char log_buf[LOG_CAP];
static size_t log_len;
static int log_echo;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static int capture(enum libbpf_print_level level, const char *fmt, va_list args)
{
	char line[1024];
	va_list copy;
	va_copy(copy, args);
	int n = vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	pthread_mutex_lock(&log_lock);
	if (log_len + (size_t)n >= LOG_CAP) {
		/* keep the newest half: verifier errors are at the end of the log */
		size_t keep = LOG_CAP / 2;
		memmove(log_buf, log_buf + log_len - keep, keep);
		log_len = keep;
	}
	memcpy(log_buf + log_len, line, (size_t)n);
	log_len += (size_t)n;
	pthread_mutex_unlock(&log_lock);
	(void)level;
	if (log_echo)
		fputs(line, stderr);
	return n;
}

void mamori_bpf_capture_log(int echo)
{
	log_echo = echo;
	libbpf_set_print(capture);
}

size_t mamori_bpf_read_log(char *buf, size_t len)
{
	if (!buf || len == 0)
		return 0;
	pthread_mutex_lock(&log_lock);
	size_t n = log_len < len - 1 ? log_len : len - 1;
	memcpy(buf, log_buf + (log_len - n), n);
	buf[n] = 0;
	pthread_mutex_unlock(&log_lock);
	return n;
}

void mamori_bpf_clear_log(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	pthread_mutex_unlock(&log_lock);
}
