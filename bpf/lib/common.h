/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Includes and constants every Mamori BPF program needs. */
#ifndef MAMORI_COMMON_H
#define MAMORI_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "mamori/abi.h"

/* Constants that live in macros (not BTF). Stable across the kernels we support (>= 5.8). */
#define MAMORI_AF_INET 2
#define MAMORI_AF_INET6 10
#define MAMORI_AT_FDCWD -100
#define MAMORI_O_ACCMODE 00000003
#define MAMORI_O_WRONLY 00000001
#define MAMORI_O_RDWR 00000002
#define MAMORI_O_CREAT 00000100
#define MAMORI_O_TRUNC 00001000
#define MAMORI_FMODE_WRITE 0x2
#define MAMORI_FMODE_CREATED 0x100000 /* (1 << 20) since 4.19 */

/* Walk bound for dentry chains: deeper paths are cut and flagged. */
#define MAMORI_PATH_DEPTH 40
#define MAMORI_NAME_MASK 255 /* d_name is at most NAME_MAX (255) bytes */

#define MAMORI_PATH_MASK (MAMORI_PATH_MAX - 1)
#define MAMORI_ARGS_MASK (MAMORI_ARGS_MAX - 1)

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((void *)(ptr) - __builtin_offsetof(type, member)))
#endif

#define MAMORI_ALWAYS static __always_inline

#endif
