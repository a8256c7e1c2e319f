#!/usr/bin/env python3
"""BPF ns per program run of one agent under one workload (docs/benchmarks.md, "Cost per event").

    sudo python3 tools/bpf-cost.py [--bench .build/release/mamori-bench] [--workload file] [--count 20000]

Starts the agent as `mamori bench`'s sensor mode does (`mamori-bench --agent-child DIR`),
turns on run-time stats (sysctl kernel.bpf_stats_enabled=1, restored afterwards), and reads
run_time_ns/run_cnt of that agent's own programs (prog ids from its /proc/PID/fdinfo, so other
sensors loaded on a shared machine are not counted) before and after one workload run. Prints
ns/run and runs per workload op for each program that ran, and the BPF ns per op in total.
Stats overhead (~20 ns per run) is included.
"""
import argparse, json, mmap, os, signal, struct, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpfstats import own_prog_ids  # noqa: E402



def stats(ids):
    out = json.loads(subprocess.run(["bpftool", "prog", "show", "--json"], capture_output=True, text=True).stdout)
    return {p["id"]: (p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0)) for p in out if p["id"] in ids}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/mamori-bench")
    ap.add_argument("--workload", default="file")
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--rules", default="rules")
    a = ap.parse_args()
    d = tempfile.mkdtemp(prefix="mamori-bpf-"); w = tempfile.mkdtemp(prefix="mamori-bpf-w-")
    open(d + "/counters", "wb").write(b"\0" * 65536)
    m = mmap.mmap(os.open(d + "/counters", os.O_RDWR), 65536)
    agent = subprocess.Popen([a.bench, "--agent-child", d, "--rules", a.rules], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    old = open("/proc/sys/kernel/bpf_stats_enabled").read().strip()
    try:
        while struct.unpack_from("<Q", m, 0)[0] != 1:
            if agent.poll() is not None: sys.exit("agent failed")
            time.sleep(0.2)
        ids = own_prog_ids(agent.pid)
        open("/proc/sys/kernel/bpf_stats_enabled", "w").write("1")
        time.sleep(0.5)
        before = stats(ids)
        r = subprocess.run(["build/mamori-workload", a.workload, "--count", str(a.count), "--dir", w,
                            "--true", "build/mamori-true"], capture_output=True, text=True).stdout.strip()
        after = stats(ids)
        ops = int(r.split()[0].split("=")[1])
        total = 0
        print(r)
        rows = []
        for i, (name, t1, c1) in after.items():
            _, t0, c0 = before.get(i, (name, 0, 0))
            if c1 - c0 > 0:
                rows.append((name, (t1 - t0) / (c1 - c0), (c1 - c0) / ops, (t1 - t0) / ops))
                total += (t1 - t0) / ops
        for name, ns, per_op, ns_op in sorted(rows, key=lambda x: -x[3]):
            print(f"{name:36s} {ns:8.0f} ns/run {per_op:8.2f} runs/op {ns_op:8.0f} ns/op")
        print(f"BPF ns per op (this agent's programs): {total:.0f}")
    finally:
        open("/proc/sys/kernel/bpf_stats_enabled", "w").write(old)
        agent.send_signal(signal.SIGTERM); agent.wait(30)
        subprocess.run(["rm", "-rf", d, w])


if __name__ == "__main__":
    main()
