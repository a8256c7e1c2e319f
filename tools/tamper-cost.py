#!/usr/bin/env python3
# Cost of bpf/tamper.bpf.c per call (docs/kernel.md): runs `mamori watch` (which registers
# itself as self_tgid), enables run-time stats through bpf(BPF_ENABLE_STATS) (an fd, so other
# users of kernel.bpf_stats_enabled are not disturbed) and reads run_time_ns/run_cnt deltas.
# Usage: sudo python3 tools/tamper-cost.py .build/debug/mamori
import ctypes, os, signal, subprocess, sys, time, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpfstats import enable_stats, own_prog_ids, prog_stats  # noqa: E402
libc = ctypes.CDLL(None, use_errno=True)
stats_fd = enable_stats()
watch = subprocess.Popen([sys.argv[1], "watch", "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
time.sleep(25)  # load + attach
def prog(name):
    out = subprocess.run(["bpftool", "prog", "show", "name", name, "--json"], capture_output=True, text=True).stdout
    j = json.loads(out) if out.strip() else {}
    if isinstance(j, list): j = j[0] if j else {}
    return j.get("run_time_ns", 0), j.get("run_cnt", 0)
def delta(name, fn):
    t0, c0 = prog(name); fn(); t1, c1 = prog(name)
    n = c1 - c0
    print(f"{name:24s} {fn.__name__:28s} runs={n:7d} avg={((t1-t0)/n if n else 0):7.1f} ns")
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
def other_target_signals():
    for _ in range(100000): os.kill(os.getpid(), signal.SIGUSR1)
def agent_target_signals():
    for _ in range(20000): os.kill(watch.pid, signal.SIGCONT)
bad = (ctypes.c_uint32 * 4)(0xffffffff, 0, 0, 0)
def bpf_link_detach_calls():
    for _ in range(50000): libc.syscall(321, 34, ctypes.byref(bad), 16)
def bpf_other_cmds():
    for _ in range(50000): libc.syscall(321, 1, ctypes.byref(bad), 16)  # BPF_MAP_LOOKUP_ELEM on fd -1
delta("mamori_tamper_signal", other_target_signals)
delta("mamori_tamper_signal", agent_target_signals)
delta("mamori_tamper_bpf", bpf_link_detach_calls)
delta("mamori_tamper_bpf", bpf_other_cmds)
watch.terminate(); watch.wait()
