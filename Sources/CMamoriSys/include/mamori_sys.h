/* Syscalls Swift cannot call directly (no libc wrapper on Debian 12's glibc, or varargs). */
#ifndef MAMORI_SYS_H
#define MAMORI_SYS_H
#include <sys/types.h>
int mamori_pidfd_open(pid_t pid, unsigned int flags);
int mamori_pidfd_send_signal(int pidfd, int sig, unsigned int flags);
#endif
