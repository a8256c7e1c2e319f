#define _GNU_SOURCE
#include "mamori_sys.h"
#include <sys/syscall.h>
#include <unistd.h>
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
int mamori_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
int mamori_pidfd_send_signal(int pidfd, int sig, unsigned int flags) {
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags);
}
