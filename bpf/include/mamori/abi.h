/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Mamori kernel <-> userspace ABI.
 *
 * This is the ONLY definition of the records the BPF programs write into the ring buffers and
 * of the keys/values of the maps userspace writes. It is compiled twice: by `clang -target bpf`
 * (after vmlinux.h) and by the Swift package through the CMamoriABI C target, so the layout
 * cannot drift. _Static_asserts below pin every size; Swift tests pin MemoryLayout as well.
 *
 * Rules for editing:
 *  - natural alignment, explicit padding; no packed structs, bitfields, unions, flexible
 *    over-aligned types (Swift must be able to import every struct);
 *  - kinds and ops are append-only: a retired value is never reused;
 *  - any layout change bumps MAMORI_ABI_VERSION.
 */
#ifndef MAMORI_ABI_H
#define MAMORI_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* 2: MAMORI_KIND_ACTION, prevention maps (egress_rule 32 bytes).
 * 3: MAMORI_KIND_TAMPER (the gap record grows to 9 counters). */
#define MAMORI_ABI_VERSION 3

/* Bounds of the variable parts. Must be powers of two (the BPF side masks with them). */
#define MAMORI_PATH_MAX 4096
#define MAMORI_ARGS_MAX 4096
#define MAMORI_COMM_LEN 16
#define MAMORI_TTY_NAME_LEN 8
/* Largest record a program may emit (header + fixed part + all variable parts). */
#define MAMORI_RECORD_MAX (3 * 4096 + 512)

/* Record kinds (mamori_header.kind). Append-only. */
enum mamori_kind {
	MAMORI_KIND_NONE = 0,
	MAMORI_KIND_EXEC = 1,    /* struct mamori_exec */
	MAMORI_KIND_FORK = 2,    /* struct mamori_fork */
	MAMORI_KIND_EXIT = 3,    /* struct mamori_exit */
	MAMORI_KIND_NET = 4,     /* struct mamori_net */
	MAMORI_KIND_FILE = 5,    /* struct mamori_file */
	MAMORI_KIND_GAP = 6,     /* struct mamori_gap: records were lost before this point */
	MAMORI_KIND_ACTION = 7,  /* struct mamori_action: the kernel enforced (or would have) */
	MAMORI_KIND_TAMPER = 8,  /* struct mamori_tamper: something aimed at the agent itself */
	MAMORI_KIND_ACTIVITY = 9, /* struct mamori_activity: process/kernel-state activity (ptrace, kill, ...) */
	MAMORI_KIND_DNS = 10,    /* struct mamori_dns: a DNS message seen on the packet path */
	MAMORI_KIND_COUNT = 11,  /* one past the last kind; sizes the drop counters */
};

/* Ring buffers ("lanes"). A file storm can never push out a process or network record. */
enum mamori_lane {
	MAMORI_LANE_PRIORITY = 0, /* exec, fork, exit, net */
	MAMORI_LANE_BULK = 1,     /* file */
	MAMORI_LANE_COUNT = 2,
};

/* Network operations (mamori_net.op). Append-only. */
enum mamori_net_op {
	MAMORI_NET_CONNECT = 1,  /* connect(2) returned; result = return value */
	MAMORI_NET_ACCEPT = 2,   /* accept(2)/accept4(2) returned a socket */
	MAMORI_NET_LISTEN = 3,   /* listen(2) returned */
	MAMORI_NET_SEND = 4,     /* first datagram of a flow sent to an explicit address (UDP) */
};

/* File operations (mamori_file.op). Append-only. */
enum mamori_file_op {
	MAMORI_FILE_CREATE = 1,     /* open(2) created the file */
	MAMORI_FILE_OPEN_WRITE = 2, /* opened an existing file for writing */
	MAMORI_FILE_TRUNCATE = 3,   /* opened with O_TRUNC or truncate(2) */
	MAMORI_FILE_RENAME = 4,     /* path -> path2 */
	MAMORI_FILE_UNLINK = 5,
	MAMORI_FILE_CHMOD = 6,      /* mode = new mode */
	MAMORI_FILE_CHOWN = 7,      /* owner_uid/owner_gid = new owner (-1 = unchanged) */
	MAMORI_FILE_OPEN_READ = 8,  /* read-only open of a watched file */
};

/* mamori_exec.flags */
#define MAMORI_EXEC_ARGS_TRUNCATED (1u << 0) /* argv longer than MAMORI_ARGS_MAX */
#define MAMORI_EXEC_EXE_TRUNCATED  (1u << 1) /* executable path deeper/longer than the walk bound */
#define MAMORI_EXEC_CWD_TRUNCATED  (1u << 2)
#define MAMORI_EXEC_ARGS_FAULT     (1u << 3) /* argv could not be read */
#define MAMORI_EXEC_HAS_TTY        (1u << 4)
#define MAMORI_EXEC_EXE_DELETED    (1u << 5) /* the executable had no link left (i_nlink == 0) */
#define MAMORI_EXEC_EXE_MEMFD      (1u << 6) /* ... and is a memfd ("/memfd:<name>"): fileless */
#define MAMORI_EXEC_ENV_UNSCANNED  (1u << 7) /* the environment was not fully scanned for loader
                                              * variables (more than MAMORI_ENV_SCAN_VARS, or an
                                              * unexpected stack layout) */
#define MAMORI_EXEC_ENV_TRUNCATED  (1u << 8) /* a loader variable was cut at MAMORI_ENV_ENTRY_MAX
                                              * bytes, or more than MAMORI_ENV_ENTRIES were set */

/* Loader variables at exec (LD_PRELOAD, LD_AUDIT, LD_LIBRARY_PATH): how many environment
 * entries are scanned, how many matching entries are kept, and each one's byte bound. */
#define MAMORI_ENV_SCAN_VARS  128
#define MAMORI_ENV_ENTRIES    3
#define MAMORI_ENV_ENTRY_MAX  256

/* mamori_file.flags */
#define MAMORI_FILE_PATH_TRUNCATED  (1u << 0)
#define MAMORI_FILE_PATH2_TRUNCATED (1u << 1)
#define MAMORI_FILE_PATH_RELATIVE   (1u << 2) /* dirfd could not be resolved: path as given */
#define MAMORI_FILE_PATH2_RELATIVE  (1u << 3)
#define MAMORI_FILE_WATCHED         (1u << 4) /* matched the in-kernel watch set */

/*
 * Common header of every record. `size` is the total record size including this header;
 * readers must check it against the size the ring buffer reports and against the minimum
 * size of `kind` before touching anything else.
 */
struct mamori_header {
	__u16 kind;             /* enum mamori_kind */
	__u16 version;          /* MAMORI_ABI_VERSION */
	__u32 size;             /* total bytes, header included */
	__u64 ktime_ns;         /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
	__u32 tgid;             /* process id (thread group) */
	__u32 pid;              /* thread id */
	__u64 start_boottime_ns; /* thread-group leader start (CLOCK_BOOTTIME ns): entity key */
};

/* Who did it: cheap identity attached to every non-gap record. */
struct mamori_subject {
	__u32 ppid;             /* real parent's tgid */
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u64 cgroup_id;        /* cgroup v2 id (kernfs inode of the cgroup directory) */
	char comm[MAMORI_COMM_LEN];
};

/*
 * A successful execve/execveat (sched_process_exec). Variable data follows the fixed part,
 * in this order: exe (exe_len bytes), args (args_len bytes, NUL-separated, argc entries),
 * cwd (cwd_len bytes), env (env_len bytes: the dynamic-loader variables of the new
 * environment, "NAME=value" entries each ending in NUL; usually empty). Other strings are not
 * NUL-terminated inside data.
 */
struct mamori_exec {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u64 parent_start_boottime_ns;
	__u64 exe_ino;
	__u32 exe_dev;          /* kernel dev_t: major << 20 | minor */
	__u32 flags;            /* MAMORI_EXEC_* */
	__u32 egid;
	__u32 loginuid;         /* audit login uid, 0xffffffff = unset */
	__u32 sid;              /* session id (tgid of the session leader) */
	__u32 tty_index;        /* tty->index + driver->name_base: "tty1" is index 1 */
	char tty_driver[MAMORI_TTY_NAME_LEN];
	__u32 argc;
	__u16 exe_len;
	__u16 args_len;
	__u16 cwd_len;
	/* File type (i_mode >> 12: MAMORI_FT_*) behind fds 0, 1, 2 at exec; 0 = closed. A shell
	 * whose stdin/stdout is a socket is the classic reverse shell. */
	__u16 stdio_type[3];
	/* Pipe identity behind fds 0, 1, 2 (pipefs inode number) when stdio_type is FIFO, else 0.
	 * A shell whose stdin inode equals another process's stdout inode reads that process's
	 * output: `curl ... | sh` is joined into one pipeline in userspace. */
	__u64 stdio_ino[3];
	__u16 env_len;          /* bytes of loader-variable entries after cwd (0 = none set) */
	__u16 env_count;        /* how many entries */
	__u32 _pad1;
	/* char data[]; */
};

/* mamori_exec.stdio_type values (S_IFMT >> 12). */
#define MAMORI_FT_FIFO 0x1
#define MAMORI_FT_CHR  0x2
#define MAMORI_FT_DIR  0x4
#define MAMORI_FT_REG  0x8
#define MAMORI_FT_LNK  0xa
#define MAMORI_FT_SOCK 0xc

/* A new thread group (fork/vfork/clone without CLONE_THREAD). Header is the child's. */
struct mamori_fork {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u32 parent_tgid;
	__u32 _pad0;
	__u64 parent_start_boottime_ns;
};

/* Thread-group exit (the last thread of the group died). */
struct mamori_exit {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u32 exit_code;        /* wait status: (status << 8) | signal */
	__u32 _pad0;
};

/* A network operation. Addresses are in network byte order; IPv4 uses the first 4 bytes. */
struct mamori_net {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u16 op;               /* enum mamori_net_op */
	__u16 family;           /* AF_INET (2) or AF_INET6 (10) */
	__u16 protocol;         /* IPPROTO_TCP (6), IPPROTO_UDP (17), ... */
	__u16 sock_type;        /* SOCK_STREAM (1), SOCK_DGRAM (2), ... */
	__s32 result;           /* syscall return value (0 or -errno; fd for accept) */
	__u16 sport;            /* host byte order */
	__u16 dport;            /* host byte order */
	__u8 saddr[16];
	__u8 daddr[16];
};

/*
 * A file change (or a watched read). Variable data: path (path_len bytes) then path2
 * (path2_len bytes, rename target only). Paths are absolute unless *_RELATIVE is set.
 */
struct mamori_file {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u16 op;               /* enum mamori_file_op */
	__u16 path_len;
	__u16 path2_len;
	__u16 _pad0;
	__s32 result;           /* 0 or -errno */
	__u32 flags;            /* MAMORI_FILE_* */
	__u32 open_flags;       /* O_* as passed to open, 0 for other ops */
	__u32 mode;             /* chmod: new mode; create: requested mode */
	__u32 owner_uid;        /* chown: new uid (0xffffffff = unchanged) */
	__u32 owner_gid;
	__u64 ino;              /* inode where known (open ops, f* ops), else 0 */
	__u32 dev;              /* kernel dev_t where known */
	/* Identical events (same tgid, op, dev, ino) the kernel folded into this one since the
	 * previous record of that key (mamori_file_repeat): this record stands for 1 + repeat_count. */
	__u32 repeat_count;
	/* char data[]; */
};

/*
 * Records were lost (ring buffer full) on `cpu` in `lane` before this record. `lost[k]` counts
 * lost records of kind k. Emitted before the next record that fits, so the stream itself
 * says where the hole is; the per-CPU drop counters map holds the running totals.
 */
struct mamori_gap {
	struct mamori_header hdr;
	__u32 lane;
	__u32 cpu;
	__u64 lost[MAMORI_KIND_COUNT];
};

/* ------------------------------------------------------------------------------------------
 * DNS (bpf/dns.bpf.c): client-side DNS messages on the packet path (cgroup skb at the root).
 * ------------------------------------------------------------------------------------------ */

/* Bytes of the DNS message copied into a record (the rest is counted in wire_len). */
#define MAMORI_DNS_DATA_MAX 512

/* mamori_dns.direction */
#define MAMORI_DNS_EGRESS  1 /* a query leaving a socket (destination port 53) */
#define MAMORI_DNS_INGRESS 2 /* an answer arriving at a socket (source port 53) */

/* mamori_dns.flags */
#define MAMORI_DNS_TRUNCATED    (1u << 0) /* wire_len > data_len: only a prefix was copied */
#define MAMORI_DNS_OWNER_SENDER (1u << 1) /* owner = the task that ran the send (UDP egress) */
#define MAMORI_DNS_OWNER_SOCKET (1u << 2) /* owner = the task recorded on the socket by its last
					   * query (answers; TCP retransmits) */
/* Neither OWNER bit: no owner known (an answer to a socket never seen sending a query). */

/*
 * One DNS message of a client socket: a query it sent (egress, dport 53) or an answer it
 * received (ingress, sport 53), UDP or TCP, on any interface including loopback. The header
 * and subject are the socket's owner (see the OWNER flags; all zero when unknown). Addresses
 * in network byte order (IPv4 in the first 4 bytes), saddr/sport the local end, daddr/dport
 * the remote end. Variable data: the first data_len bytes of the DNS message (after TCP's
 * two-byte length prefix); userspace parses it with strict bounds.
 */
struct mamori_dns {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u64 sock_cookie;      /* bpf_get_socket_cookie: pairs queries and answers of one socket */
	__u16 family;           /* AF_INET (2) or AF_INET6 (10) */
	__u8 direction;         /* MAMORI_DNS_EGRESS / MAMORI_DNS_INGRESS */
	__u8 protocol;          /* IPPROTO_UDP (17) or IPPROTO_TCP (6) */
	__u16 sport;            /* host byte order, local end */
	__u16 dport;            /* host byte order, remote end */
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 flags;            /* MAMORI_DNS_* */
	__u16 wire_len;         /* DNS message bytes on the wire (UDP payload; TCP length prefix) */
	__u16 data_len;         /* bytes following this struct, <= MAMORI_DNS_DATA_MAX */
	/* __u8 data[]; */
};

/* Value of the single-entry `mamori_config` array map; userspace may rewrite it at any time. */
struct mamori_config {
	__u32 self_tgid;        /* the agent: never reported */
	__u32 flags;            /* MAMORI_CFG_* */
	/* Wakeup batching per lane: wake the reader when this many bytes are pending, or when
	 * the last wakeup is older than wake_delay_ns, whichever comes first. */
	__u64 wake_bytes[MAMORI_LANE_COUNT];
	__u64 wake_delay_ns[MAMORI_LANE_COUNT];
	__u64 udp_flow_ttl_ns;  /* report a UDP flow again after this long */
	__u8 host_level;        /* prevention level of tasks without a scope override */
	__u8 _pad0[3];
	__u32 _pad1;
	/* Who the agent is besides its tgid: the executable it runs (dev/inode, kernel dev_t) and
	 * its uid. A task is the agent only when all match (mamori_is_agent), so a tgid written
	 * into self_tgid, or the agent's pid reused after it died, mutes or exempts nobody. */
	__u64 self_exe_ino;
	__u32 self_exe_dev;
	__u32 self_uid;
};

#define MAMORI_CFG_FILE_EVENTS   (1u << 0) /* emit file records */
#define MAMORI_CFG_NET_EVENTS    (1u << 1)
#define MAMORI_CFG_REPORT_FAILED (1u << 2) /* report failed file syscalls too */
#define MAMORI_CFG_HAS_WATCHES   (1u << 3) /* mamori_watch is non-empty (set by SensorMaps.watch) */
#define MAMORI_CFG_HAS_SCOPES    (1u << 4) /* mamori_scope is non-empty: walk the cgroup ancestry */
#define MAMORI_CFG_HAS_EXEC_POLICY (1u << 5) /* mamori_exec_policy is non-empty */
#define MAMORI_CFG_HAS_EGRESS    (1u << 6) /* mamori_egress is non-empty or a scope is isolated */
#define MAMORI_CFG_PREVENTION_OFF (1u << 7) /* circuit breaker / fail-open: report, never enforce */
#define MAMORI_CFG_LSM_EXEC      (1u << 8) /* BPF LSM denies exec: the exec-time SIGKILL stays idle */
#define MAMORI_CFG_HAS_PROTECTED (1u << 9) /* mamori_protected_files is non-empty */
#define MAMORI_CFG_FILE_REPEATS  (1u << 16) /* fold repeated identical file events (mamori_file_repeat) */
#define MAMORI_CFG_HAS_EXEC_TREE (1u << 10) /* mamori_exec_policy holds a TREE entry: walk directories */
#define MAMORI_CFG_HAS_ISOLATION (1u << 11) /* a scope is isolated: the cgroup skb programs drop its packets */

/* ------------------------------------------------------------------------------------------
 * Self-protection (docs/service.md). bpf/tamper.bpf.c reports what is aimed at the agent.
 * ------------------------------------------------------------------------------------------ */

/* What was aimed at the agent (mamori_tamper.op). Append-only. */
enum mamori_tamper_op {
	MAMORI_TAMPER_SIGNAL = 1,     /* a signal generated for the agent's thread group */
	MAMORI_TAMPER_PTRACE = 2,     /* ptrace(PTRACE_ATTACH/SEIZE) on the agent's pid */
	MAMORI_TAMPER_BPF_DETACH = 3, /* bpf(BPF_LINK_DETACH/PROG_DETACH/LINK_UPDATE) by another process */
	MAMORI_TAMPER_BPF_MAP_WRITE = 4, /* bpf(MAP_UPDATE/DELETE_ELEM, *_BATCH) on an agent map by another process */
	MAMORI_TAMPER_BPF_OBJ_GET = 5,   /* bpf(*_GET_FD_BY_ID) of an agent object, or BPF_OBJ_GET that opened one */
};

/* Kinds of BPF object in `mamori_own_objects` (ids are per kind in the kernel). */
enum mamori_obj_type {
	MAMORI_OBJ_MAP = 1,
	MAMORI_OBJ_PROG = 2,
	MAMORI_OBJ_LINK = 3,
};

/* Key of `mamori_own_objects`: the agent's maps, programs and links, written by the agent
 * after attach so the tamper hook can tell "one of ours" from any other BPF object. */
struct mamori_obj_key {
	__u32 type;             /* enum mamori_obj_type */
	__u32 id;               /* the kernel's object id */
};

/*
 * Something aimed at the agent itself. The header and subject are the SENDER's (the task that
 * generated the signal, called ptrace or bpf); the target is the agent. Fixed size.
 */
struct mamori_tamper {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u16 op;               /* enum mamori_tamper_op */
	__u16 _pad0;
	__s32 value;            /* SIGNAL: signal number; PTRACE: request; BPF_*: bpf cmd */
	__u32 target_tgid;      /* the agent (0 for BPF_DETACH: the link may be anyone's) */
	__u32 target_pid;       /* SIGNAL: receiving thread; PTRACE: the pid argument */
	__s32 code;             /* SIGNAL: si_code (0 SI_USER kill(2), 0x80 SI_KERNEL, <0 sigqueue/tkill);
	                         * BPF_MAP_WRITE/BPF_OBJ_GET: enum mamori_obj_type of object_id */
	__s32 result;           /* SIGNAL: TRACE_SIGNAL_* (0 delivered, 1 ignored, 2 already pending) */
	__u64 object_id;        /* BPF_DETACH/LINK_UPDATE: id of the link named by link_fd, 0 unknown;
	                         * BPF_MAP_WRITE/BPF_OBJ_GET: id of the agent object */
};

/* ------------------------------------------------------------------------------------------
 * Activity (docs/events.md "activity"): what a process does to other processes and to kernel
 * state. bpf/activity.bpf.c (syscalls) and bpf/lib/procfs.h (opens on /proc, from file.bpf.c).
 * ------------------------------------------------------------------------------------------ */

/* mamori_activity.op. Append-only. Per op, what value / target_* / arg[] / name / path mean: */
enum mamori_activity_op {
	MAMORI_ACT_PROC_ACCESS = 1,  /* open of /proc/<pid>/<entry> of another process (or own mem for
	                              * write): value = MAMORI_PROC_*, target_* = the owner, name =
	                              * its comm, path = the entry name, flags READ/WRITE */
	MAMORI_ACT_SYSCTL_WRITE = 2, /* open for write under /proc/sys: path = /proc/sys/... */
	MAMORI_ACT_PTRACE = 3,       /* ptrace ATTACH/SEIZE/POKE*: value = request, target_pid = pid,
	                              * arg[0] = addr, arg[1] = data */
	MAMORI_ACT_VM_READ = 4,      /* process_vm_readv: target_pid = pid, arg[0] = liovcnt,
	                              * arg[1] = riovcnt, result = bytes copied */
	MAMORI_ACT_VM_WRITE = 5,     /* process_vm_writev: as VM_READ */
	MAMORI_ACT_MEMFD_CREATE = 6, /* memfd_create: path = name, value = flags, result = fd */
	MAMORI_ACT_UTIMES = 7,       /* utimensat/futimens: path = file, value = AT_* flags,
	                              * arg[0..3] = atime sec, atime nsec, mtime sec, mtime nsec
	                              * (nsec UTIME_NOW/UTIME_OMIT as given); TIMES_NULL = "now" */
	MAMORI_ACT_MOUNT = 8,        /* mount(2): path = target, path2 = source, name = fstype,
	                              * arg[0] = mount flags */
	MAMORI_ACT_MOVE_MOUNT = 9,   /* move_mount(2): path = to path, path2 = from path (as given),
	                              * value = flags */
	MAMORI_ACT_MODULE_LOAD = 10, /* init_module/finit_module: path = module file (finit),
	                              * path2 = parameters, arg[0] = image length (init), arg[1] = 1
	                              * for finit_module, value = finit flags */
	MAMORI_ACT_SETID = 11,       /* set*uid/set*gid: value = MAMORI_SETID_*, arg[0] = new real
	                              * | new effective << 32, arg[1] = new saved (as given,
	                              * 0xffffffff = unchanged), arg[2] = old real | old effective
	                              * << 32, arg[3] = old saved (uids, or gids for the gid calls) */
	MAMORI_ACT_CAPSET = 12,      /* capset: arg[0] new effective, arg[1] new permitted, arg[2]
	                              * old effective, arg[3] old permitted (64-bit sets) */
	MAMORI_ACT_KILL = 13,        /* kill/tkill/tgkill/pidfd_send_signal: value = signal, target_pid = pid as given (pidfd: the pid behind the pidfd or /proc/<pid> fd)
	                              * (kill: 0 / negative = process group, -1 = everything),
	                              * arg[0] = tgid (tgkill), arg[1] = MAMORI_KILL_* */
	MAMORI_ACT_UNSHARE = 14,     /* unshare(2): value = flags (CLONE_NEW*), arg[0] = the caller's
	                              * user namespace inode before the call */
	MAMORI_ACT_SETNS = 15,       /* setns(2): value = nstype as given, arg[0] = the joined
	                              * namespace's inode (namespace fd) and arg[1] its CLONE_NEW* type,
	                              * arg[2] = the caller's inode of that type before the call (0 =
	                              * not read); a pidfd: target_pid = its pid, arg[1] = nstype */
	/* bpf/fileattr.bpf.c (enter only: flags carry NO_RESULT). 20+ leaves room below. */
	MAMORI_ACT_XATTR_SET = 20,   /* setxattr family, name "security.capability" only: path =
	                              * file, value = XATTR_* flags, arg[0] = vfs_cap_data magic_etc
	                              * (revision | VFS_CAP_FLAGS_EFFECTIVE), arg[1] = permitted,
	                              * arg[2] = inheritable (64-bit sets), arg[3] = rootid (v3) or
	                              * 0xffffffff */
	MAMORI_ACT_FILE_FLAGS = 21,  /* ioctl FS_IOC_SETFLAGS / FS_IOC_FSSETXATTR: path = file,
	                              * value = new flags (MAMORI_FS_*_FL bits), arg[0] = ioctl
	                              * command, arg[1] = immutable/append before (MAMORI_FS_*_FL) */
};

/* mamori_activity.value for FILE_FLAGS (the FS_*_FL values of linux/fs.h). */
#define MAMORI_FS_IMMUTABLE_FL 0x00000010u
#define MAMORI_FS_APPEND_FL    0x00000020u
#define MAMORI_FS_NODUMP_FL    0x00000040u

/* mamori_activity.value for PROC_ACCESS: which /proc/<pid> entry. */
#define MAMORI_PROC_MEM     1 /* mem */
#define MAMORI_PROC_ENVIRON 2 /* environ */
#define MAMORI_PROC_MAPS    3 /* maps, smaps, smaps_rollup, numa_maps */
#define MAMORI_PROC_PAGEMAP 4
#define MAMORI_PROC_AUXV    5
#define MAMORI_PROC_STACK   6 /* stack, syscall */
#define MAMORI_PROC_CMDLINE 7
#define MAMORI_PROC_FD      8 /* the fd or fdinfo directory (listing another process's files) */

/* mamori_activity.value for SETID: which call. */
#define MAMORI_SETID_SETUID    1
#define MAMORI_SETID_SETGID    2
#define MAMORI_SETID_SETREUID  3
#define MAMORI_SETID_SETREGID  4
#define MAMORI_SETID_SETRESUID 5
#define MAMORI_SETID_SETRESGID 6

/* mamori_activity.arg[1] for KILL. */
#define MAMORI_KILL_KILL   1
#define MAMORI_KILL_TKILL  2
#define MAMORI_KILL_TGKILL 3
#define MAMORI_KILL_PIDFD  4 /* pidfd_send_signal: target_pid = arg[0] = the pidfd's pid */

/* mamori_activity.flags */
#define MAMORI_ACT_F_READ            (1u << 0) /* PROC_ACCESS/SYSCTL_WRITE: opened for reading */
#define MAMORI_ACT_F_WRITE           (1u << 1) /* ... for writing */
#define MAMORI_ACT_F_PATH_TRUNCATED  (1u << 2)
#define MAMORI_ACT_F_PATH_RELATIVE   (1u << 3) /* dirfd could not be resolved: path as given */
#define MAMORI_ACT_F_TIMES_NULL      (1u << 4) /* UTIMES: times == NULL (both set to now) */
#define MAMORI_ACT_F_SELF            (1u << 5) /* the target is the acting process itself */
#define MAMORI_ACT_F_NO_RESULT       (1u << 15) /* emitted at syscall enter: result unknown */

/*
 * One activity record. The header and subject are the acting process's. Variable data after
 * the fixed part: path (path_len bytes) then path2 (path2_len bytes), not NUL-terminated.
 */
struct mamori_activity {
	struct mamori_header hdr;
	struct mamori_subject subj;
	__u16 op;               /* enum mamori_activity_op */
	__u16 path_len;
	__u16 path2_len;
	__u16 _pad0;
	__u32 flags;            /* MAMORI_ACT_F_* */
	__s32 result;           /* syscall return value (0 / -errno / fd / bytes); 0 for opens */
	__s32 value;            /* per op (see enum mamori_activity_op) */
	__s32 target_pid;       /* pid as given to the syscall; PROC_ACCESS: the entry's pid */
	__u32 target_tgid;      /* PROC_ACCESS: the target's tgid (initial pid namespace), else 0 */
	__u32 target_uid;       /* PROC_ACCESS: the target's real uid, else 0xffffffff */
	__u64 arg[4];           /* per op */
	char name[MAMORI_COMM_LEN]; /* PROC_ACCESS: target comm; MOUNT: fstype */
	/* char data[]; */
};

/* Key of the `mamori_watch` hash map: files whose read-only opens are reported. */
struct mamori_watch_key {
	__u32 dev;              /* kernel dev_t */
	__u32 _pad0;
	__u64 ino;
};
/* Value: what the entry covers. */
#define MAMORI_WATCH_FILE     (1u << 0) /* the inode itself */
#define MAMORI_WATCH_CHILDREN (1u << 1) /* any file directly inside this directory */

/*
 * Value of the single-entry `mamori_watch_devs` array map: the devices holding watch entries
 * (SensorMaps.watch adds to it, never removes). A read-only open of a file on any other device
 * exits after one s_dev read, before the watch-set lookups and the parent-dentry walk.
 */
#define MAMORI_WATCH_DEVS_MAX 8
struct mamori_watch_devs {
	__u32 count;            /* devices in dev[]; > MAMORI_WATCH_DEVS_MAX: overflowed, any device */
	__u32 procfs_dev;       /* kernel dev_t of /proc: its opens become activity records (0 = off) */
	__u32 dev[MAMORI_WATCH_DEVS_MAX];  /* kernel dev_t */
	__u32 what[MAMORI_WATCH_DEVS_MAX]; /* OR of the MAMORI_WATCH_* bits of that device's entries */
};

/*
 * In-kernel folding of repeated file events (MAMORI_CFG_FILE_REPEATS). Key: one process doing
 * one op on one inode. The first event of a key is emitted; identical events within
 * MAMORI_REPEAT_WINDOW_NS of it are only counted in `suppressed`; the next event after the
 * window is emitted carrying that count (mamori_file.repeat_count), and userspace takes the
 * count of a key that went quiet from the map (SensorMaps.takeQuietRepeats): counted, not lost.
 * Only records with a known inode and result 0 are folded (opens of existing files, fchmod,
 * fchown). Never a creation: a created file is new by definition, so an "identical" creation
 * is an inode number the filesystem reused after an unlink, often for another path; folding it
 * would report that path as a repeat of the first. The key carries i_generation for the same
 * reason (a write-open of a reused inode number is another file).
 */
#define MAMORI_REPEAT_WINDOW_NS 1000000000ULL
struct mamori_repeat_key {
	__u32 tgid;
	__u16 op;               /* enum mamori_file_op */
	__u16 _pad0;
	__u32 dev;
	__u32 gen;              /* inode i_generation: an inode number reused for a new file is another key */
	__u64 ino;
};
struct mamori_repeat {
	__u64 first_ns;         /* boot time of the last emitted record of this key */
	__u64 suppressed;       /* events counted since, not emitted */
};

/*
 * Prevention: the action record and the policy maps, in their own header to keep each file
 * readable. The relative path resolves from both places this header is read from
 * (bpf/include/mamori/ and its symlink Sources/CMamoriABI/include/), both three levels deep.
 */
#include "../../../bpf/include/mamori/abi_prevention.h"

/* ------------------------------------------------------------------------------------------
 * Per-uid file-event budget (bpf/lib/budget.h, docs/kernel.md "Per-uid budget"): a non-root
 * uid that emits file records faster than its budget has the excess counted here instead of
 * written into the bulk lane, so an unprivileged flooder cannot fill the ring that carries
 * everyone's file events. Watched-file reads and root's (uid or euid 0) events are never
 * budgeted. The agent reads `suppressed` (monotonic) to report the uid.
 * ------------------------------------------------------------------------------------------ */

/* mamori_uid_budget_cfg[0]: 0 ns_per_event = no budget (the default until userspace sets it). */
struct mamori_uid_budget_cfg {
	__u64 ns_per_event;     /* 1e9 / events per second */
	__u64 cap_ns;           /* burst × ns_per_event */
};

/* mamori_uid_budget value, keyed by the real uid (__u32); an LRU so uids cannot exhaust it. */
struct mamori_uid_budget {
	__u64 credit_ns;        /* sending time available, ≤ cap_ns */
	__u64 last_ns;          /* boot-time ns of the last charge */
	__u64 suppressed;       /* records counted instead of emitted, since the entry was made */
	__u64 last_suppressed_ns;
};

_Static_assert(sizeof(struct mamori_tamper) == 104, "mamori_tamper layout");
_Static_assert(sizeof(struct mamori_activity) == 152, "mamori_activity layout");
_Static_assert(sizeof(struct mamori_header) == 32, "mamori_header layout");
_Static_assert(sizeof(struct mamori_subject) == 40, "mamori_subject layout");
_Static_assert(sizeof(struct mamori_exec) == 168, "mamori_exec layout");
_Static_assert(sizeof(struct mamori_fork) == 88, "mamori_fork layout");
_Static_assert(sizeof(struct mamori_exit) == 80, "mamori_exit layout");
_Static_assert(sizeof(struct mamori_net) == 120, "mamori_net layout");
_Static_assert(sizeof(struct mamori_file) == 120, "mamori_file layout");
_Static_assert(sizeof(struct mamori_gap) == 128, "mamori_gap layout");
_Static_assert(sizeof(struct mamori_dns) == 128, "mamori_dns layout");
_Static_assert(sizeof(struct mamori_config) == 72, "mamori_config layout");
_Static_assert(sizeof(struct mamori_obj_key) == 8, "mamori_obj_key layout");
_Static_assert(sizeof(struct mamori_watch_key) == 16, "mamori_watch_key layout");
_Static_assert(sizeof(struct mamori_watch_devs) == 72, "mamori_watch_devs layout");
_Static_assert(sizeof(struct mamori_repeat_key) == 24, "mamori_repeat_key layout");
_Static_assert(sizeof(struct mamori_repeat) == 16, "mamori_repeat layout");
_Static_assert(sizeof(struct mamori_uid_budget_cfg) == 16, "mamori_uid_budget_cfg layout");
_Static_assert(sizeof(struct mamori_uid_budget) == 32, "mamori_uid_budget layout");

#endif /* MAMORI_ABI_H */
