#!/usr/bin/env python3
# Cost of the activity signals (bpf/activity.bpf.c, bpf/lib/procfs.h) per call, and of the
# open exits they share the fast path with (docs/benchmarks.md). Runs `mamori watch` (output to
# /dev/null), enables run-time stats through bpf(BPF_ENABLE_STATS) and prints, per workload,
# run_cnt and ns/run deltas of THIS watch's programs only (bpftool's pid column), so sensors
# other processes have loaded are not counted.
# Usage: sudo python3 tools/activity-cost.py .build/release/mamori [--no-procfs-activity]
#        [--workload-binary build/mamori-workload]
import ctypes, json, os, signal, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpfstats import enable_stats, own_prog_ids, prog_stats  # noqa: E402
libc = ctypes.CDLL(None, use_errno=True)
stats_fd = enable_stats()
args = sys.argv[1:]
binary = args[0]
workload = args[args.index("--workload-binary") + 1] if "--workload-binary" in args else "build/mamori-workload"
extra = ["--no-procfs-activity"] if "--no-procfs-activity" in args else []
watch = subprocess.Popen([binary, "watch", "--json"] + extra, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def progs():
    return prog_stats(own_prog_ids(watch.pid))

for _ in range(120):  # load + attach
    time.sleep(1)
    if any(n.startswith("mamori_openat") for n in progs()): break
time.sleep(2)

def measure(label, fn, only=None):
    a = progs(); fn(); b = progs()
    for name in sorted(b):
        t1, c1 = b[name]; t0, c0 = a.get(name, (0, 0))
        n = c1 - c0
        if n <= 0 or (only and not any(name.startswith(o) for o in only)): continue
        print(f"{label:22s} {name:34s} runs={n:8d} avg={(t1 - t0) / n:8.1f} ns")

sleeper = subprocess.Popen(["sleep", "600"])
T = sleeper.pid
class iovec(ctypes.Structure): _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
def kill0():
    for _ in range(20000): os.kill(T, 0)
def vm_readv():
    start = int(open(f"/proc/{T}/maps").readline().split("-")[0], 16)
    buf = ctypes.create_string_buffer(16)
    l, r = iovec(ctypes.cast(buf, ctypes.c_void_p), 16), iovec(start, 16)
    for _ in range(20000): libc.process_vm_readv(T, ctypes.byref(l), 1, ctypes.byref(r), 1, 0)
def proc_environ():
    for _ in range(20000): os.close(os.open(f"/proc/{T}/environ", os.O_RDONLY))
def proc_stat():  # a /proc/<pid> entry that is not reported: the cost every ps/top pays
    for _ in range(20000): os.close(os.open(f"/proc/{T}/stat", os.O_RDONLY))
def proc_self_status():
    for _ in range(20000): os.close(os.open("/proc/self/status", os.O_RDONLY))
d = tempfile.mkdtemp(prefix="mamori-actcost-", dir="/dev/shm")
f = os.path.join(d, "f"); open(f, "w").close()
def utime():
    for _ in range(20000): os.utime(f, (978307200, 978307200))
def memfd():
    for _ in range(20000): os.close(os.memfd_create("cost"))
def setuid_same():
    for _ in range(20000): os.setuid(os.getuid())
for label, fn in [("kill(pid, 0)", kill0), ("process_vm_readv", vm_readv), ("open /proc/T/environ", proc_environ),
                  ("open /proc/T/stat", proc_stat), ("open /proc/self/status", proc_self_status),
                  ("utimensat", utime), ("memfd_create", memfd), ("setuid(same)", setuid_same)]:
    measure(label, fn, only=["mamori_act", "mamori_openat"])
sleeper.kill(); sleeper.wait()

# The `make bench` workloads (bench/workload.c), every program of this watch.
for w in ["read", "file", "exec", "connect", "mixed"]:
    wd = tempfile.mkdtemp(prefix=f"mamori-wl-{w}-", dir="/dev/shm" if w == "read" else "/tmp")
    measure(f"workload {w}", lambda: subprocess.run([workload, w, "--duration-ms", "3000", "--dir", wd, "--true", os.path.abspath("build/mamori-true")],
                                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
watch.terminate(); watch.wait()
print("loadavg", open("/proc/loadavg").read().strip())
