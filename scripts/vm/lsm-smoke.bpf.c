// SPDX-License-Identifier: GPL-2.0
// Guest smoke check for `make test-vm` (not part of the sensor): proves that the guest kernel
// really runs BPF LSM programs before the prevention suites rely on it.
//
// Hook:    lsm/bprm_check_security (runs for every exec, after the file is opened).
// Context: struct linux_binprm *; the previous LSM verdict `ret` is passed through.
// Does:    returns -EPERM when the executable's inode number and device equal the ones the
//          loader wrote into `smoke_target`; every other exec is left alone.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define EPERM 1

struct smoke_target {
    __u64 ino;
    __u32 dev;
    __u32 armed;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct smoke_target);
} smoke_target SEC(".maps");

SEC("lsm/bprm_check_security")
int BPF_PROG(smoke_deny_exec, struct linux_binprm *bprm, int ret)
{
    __u32 key = 0;
    struct smoke_target *t;
    struct inode *inode;

    if (ret)
        return ret;
    t = bpf_map_lookup_elem(&smoke_target, &key);
    if (!t || !t->armed)
        return 0;
    inode = BPF_CORE_READ(bprm, file, f_inode);
    if (BPF_CORE_READ(inode, i_ino) == t->ino && BPF_CORE_READ(inode, i_sb, s_dev) == t->dev)
        return -EPERM;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
