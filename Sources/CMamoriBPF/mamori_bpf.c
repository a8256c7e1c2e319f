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
