#!/usr/bin/env python3
# Cost per open of the two file-open tiers (FileOpenTier, docs/kernel.md "File open tiers"):
# runs `mamori watch` once per tier (default: fexit where it attaches; --no-fentry: the syscall
# tracepoints), enables run-time stats through bpf(BPF_ENABLE_STATS) and reads the
# run_time_ns/run_cnt deltas of the open programs around three workloads:
#   read   read-only opens of a file on an unwatched device (/dev/shm)
#   wdev   read-only opens of an unwatched file on the device of the default watches (/etc)
#   write  O_WRONLY|O_TRUNC opens (each one reported, path copy and ring output included)
# Program names are cut to 15 characters by the kernel, so a tracepoint enter and its exit
# share one name: their sum is the tier's cost per open. Meant for the `make test-vm` guest:
#   make test-vm VM_FILTER=FileOpenTier VM_EXEC='python3 tools/open-tier-cost.py .build/debug/mamori'
# Usage: sudo python3 tools/open-tier-cost.py .build/debug/mamori [N]
import ctypes, json, os, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpfstats import enable_stats, own_prog_ids, prog_stats  # noqa: E402
mamori = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
libc = ctypes.CDLL(None, use_errno=True)
stats_fd = enable_stats()
TIERS = {"fexit": ["mamori_file_ope"], "syscall-tracepoints": ["mamori_openat_e"]}

def progs():
    return prog_stats(name_len=15)

def loop(path, flags):
    for _ in range(N):
        os.close(os.open(path, flags, 0o644))

for f in ("/dev/shm/mamori-tier", "/etc/mamori-tier"):
    open(f, "w").close()
WORK = [("read", lambda: loop("/dev/shm/mamori-tier", os.O_RDONLY)),
        ("wdev", lambda: loop("/etc/mamori-tier", os.O_RDONLY)),
        ("write", lambda: loop("/dev/shm/mamori-tier", os.O_WRONLY | os.O_TRUNC))]
for tier, args in (("fexit", []), ("syscall-tracepoints", ["--no-fentry"])):
    w = subprocess.Popen([mamori, "watch", "--kind", "exit"] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    line = w.stderr.readline()
    while line and "attached" not in line:
        line = w.stderr.readline()
    got = line.split("file opens: ")[-1].split(")")[0] if "file opens:" in line else "?"
    print(f"tier {tier}: sensor says {got}")
    for name, fn in WORK:
        a = progs(); fn(); b = progs()
        for k in TIERS[got] if got in TIERS else []:
            t = b.get(k, (0, 0))[0] - a.get(k, (0, 0))[0]
            c = b.get(k, (0, 0))[1] - a.get(k, (0, 0))[1]
            per_open = 1 if got == "fexit" else 2
            print(f"  {name:6s} {k:16s} runs={c:7d} ns/run={t / c if c else 0:7.1f} ns/open={t / c * per_open if c else 0:7.1f}")
    w.send_signal(2); w.wait()
for f in ("/dev/shm/mamori-tier", "/etc/mamori-tier"):
    os.unlink(f)
