/* Syscalls Swift cannot call directly (no libc wrapper on Debian 12's glibc, or varargs). */
#ifndef MAMORI_SYS_H
#define MAMORI_SYS_H
#include <sys/types.h>
int mamori_pidfd_open(pid_t pid, unsigned int flags);
int mamori_pidfd_send_signal(int pidfd, int sig, unsigned int flags);
/* openat2(2) with RESOLVE_NO_SYMLINKS (and RESOLVE_NO_MAGICLINKS): opens `path` (absolute or
 * relative to `dirfd`) refusing a symlink in any component. Returns an fd or -1 with errno. */
int mamori_open_no_symlinks(int dirfd, const char *path, int flags, mode_t mode);
/* renameat2(2) with RENAME_NOREPLACE: fails with EEXIST instead of replacing `newpath`. */
int mamori_rename_noreplace(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
#endif
