#!/usr/bin/env python3
# Cost of the exec-time loader-variable scan (bpf/process.bpf.c) and of the namespace
# activity hooks (unshare, setns in bpf/activity.bpf.c), per run. Runs `mamori watch` (output to
# /dev/null), enables run-time stats through bpf(BPF_ENABLE_STATS) and prints, per workload,
# run_cnt and ns/run deltas of THIS watch's programs only (found through its fdinfo).
# Usage: sudo python3 tools/exec-env-cost.py .build/debug/mamori [--execs N]
# Compare two binaries (before/after) on the same host in one sitting; numbers on a loaded,
# shared machine vary by tens of percent between runs.
import ctypes, json, os, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpfstats import enable_stats, own_prog_ids, prog_stats  # noqa: E402
libc = ctypes.CDLL(None, use_errno=True)
stats_fd = enable_stats()
binary = sys.argv[1]
n_exec = int(sys.argv[sys.argv.index("--execs") + 1]) if "--execs" in sys.argv else 2000
watch = subprocess.Popen([binary, "watch", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def progs():
    return prog_stats(own_prog_ids(watch.pid))

for _ in range(180):  # load + attach
    time.sleep(1)
    if any(n.startswith("mamori_exec") for n in progs()): break
time.sleep(2)
progs()

def measure(label, fn, only):
    a = progs(); fn(); b = progs()
    for name in sorted(b):
        t1, c1 = b[name]; t0, c0 = a.get(name, (0, 0))
        n = c1 - c0
        if n <= 0 or not any(name.startswith(o) for o in only): continue
        print(f"{label:34s} {name:28s} runs={n:7d} avg={(t1 - t0) / n:8.1f} ns")

base = {k: v for k, v in os.environ.items()}
typical = dict(base)                                   # this shell's environment
for i in range(30 - len(typical)): typical[f"PAD{i}"] = "x" * 40   # at least ~30 variables
preload = dict(typical, LD_PRELOAD="/tmp/.mamori-cost-absent.so")
big = {f"V{i}": "y" * 60 for i in range(200)}          # past the 128-variable bound
empty = {"PATH": "/usr/bin:/bin"}

def run_many(env):
    def go():
        for _ in range(n_exec):
            pid = os.posix_spawn("/bin/true", ["true"], env,
                                 file_actions=[(os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)])
            os.waitpid(pid, 0)
    return go

def env_size(env): return sum(len(k) + len(v) + 2 for k, v in env.items())
for label, env in [("exec, 1 variable", empty), (f"exec, {len(typical)} vars {env_size(typical)} B", typical),
                   ("exec, same + LD_PRELOAD", preload), (f"exec, 200 vars {env_size(big)} B", big)]:
    measure(label, run_many(env), only=["mamori_exec"])

def unshare_loop():
    for _ in range(200):
        subprocess.run(["/usr/bin/unshare", "--uts", "/bin/true"], stderr=subprocess.DEVNULL)
def setns_loop():
    for _ in range(200):
        subprocess.run(["/usr/bin/nsenter", f"--uts=/proc/{os.getpid()}/ns/uts", "/bin/true"], stderr=subprocess.DEVNULL)
measure("unshare --uts (200)", unshare_loop, only=["mamori_act_unshare", "mamori_act_setns"])
measure("nsenter --uts (200)", setns_loop, only=["mamori_act_unshare", "mamori_act_setns"])
watch.terminate(); watch.wait()
print("loadavg", open("/proc/loadavg").read().strip())
