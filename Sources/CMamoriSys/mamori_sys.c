#define _GNU_SOURCE
#include "mamori_sys.h"
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_renameat2
#define SYS_renameat2 316
#endif
int mamori_pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }
int mamori_pidfd_send_signal(int pidfd, int sig, unsigned int flags) {
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags);
}

/* struct open_how from <linux/openat2.h>, declared here so older headers still build. */
struct mamori_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define MAMORI_RESOLVE_NO_MAGICLINKS 0x02
#define MAMORI_RESOLVE_NO_SYMLINKS 0x04

int mamori_open_no_symlinks(int dirfd, const char *path, int flags, mode_t mode) {
	struct mamori_open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(unsigned int)flags;
	how.mode = (flags & (O_CREAT | O_TMPFILE)) ? (uint64_t)mode : 0;
	how.resolve = MAMORI_RESOLVE_NO_SYMLINKS | MAMORI_RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int mamori_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
	return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, 1u /* RENAME_NOREPLACE */);
}
