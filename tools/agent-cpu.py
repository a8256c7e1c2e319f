#!/usr/bin/env python3
"""Agent CPU per event, measured without wall-clock ratios (docs/benchmarks.md, "Cost per event").

    sudo python3 tools/agent-cpu.py [--bench .build/release/mamori-bench] [--workload file]
        [--count 200000] [--nice 19] [--perf perf.data] [--env MAMORI_BENCH_BASELINE=off]

Starts the real agent exactly as `mamori bench` does in its sensor mode (`mamori-bench
--agent-child DIR`: rules/, alert log, store on), waits until it is ready, runs
`build/mamori-workload KIND --count N` once (niced, so on a busy machine the agent is not
starved into dropping), waits until the agent has decided every event it will decide, and
prints the agent's CPU seconds (utime+stime of all its threads, from /proc/PID/stat) over that
window, the events it decided, CPU microseconds per event, drops, and peak RSS. CPU time per
event moves much less with machine load than wall-clock overhead does, so this number can be
compared between branches on a shared machine (take the median of a few runs).
With --perf, `perf record` samples the agent during the window (where the CPU goes).
"""
import argparse, mmap, os, signal, struct, subprocess, sys, tempfile, time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=".build/release/mamori-bench")
    ap.add_argument("--workload-binary", default="build/mamori-workload")
    ap.add_argument("--true-binary", default="build/mamori-true")
    ap.add_argument("--rules", default="rules")
    ap.add_argument("--workload", default="file")
    ap.add_argument("--count", type=int, default=200000)
    ap.add_argument("--nice", type=int, default=19)
    ap.add_argument("--perf", default=None)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    env = dict(os.environ)
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v
    d = tempfile.mkdtemp(prefix="mamori-cpu-")
    work = tempfile.mkdtemp(prefix="mamori-cpu-w-")
    cpath = os.path.join(d, "counters")
    with open(cpath, "wb") as f:
        f.write(b"\0" * 65536)
    fd = os.open(cpath, os.O_RDWR)
    m = mmap.mmap(fd, 65536)
    slot = lambda i: struct.unpack_from("<Q", m, i * 8)[0]
    agent = subprocess.Popen([a.bench, "--agent-child", d, "--rules", a.rules], env=env,
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "log"), "w"))
    try:
        t0 = time.time()
        while slot(0) != 1:
            if agent.poll() is not None or slot(7):
                sys.exit("agent failed: " + open(os.path.join(d, "log")).read())
            if time.time() - t0 > 60:
                sys.exit("agent not ready after 60 s")
            time.sleep(0.1)
        time.sleep(1.0)  # let the /proc seed and start-up work settle
        for run in range(a.runs):
            # Idle window first: what the host's other activity costs the agent meanwhile.
            ie0, ic0, it0 = slot(1), cpu_seconds(agent.pid), time.time()
            time.sleep(2.0)
            idle_ev, idle_cpu, idle_s = slot(1) - ie0, cpu_seconds(agent.pid) - ic0, time.time() - it0
            ev0, qd0, kd0 = slot(1), slot(2), slot(3)
            c0, w0 = cpu_seconds(agent.pid), time.time()
            perf = None
            if a.perf:
                perf = subprocess.Popen(["perf", "record", "-F", "999", "-g", "-o", a.perf, "-p", str(agent.pid)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cmd = ["nice", "-n", str(a.nice), a.workload_binary, a.workload, "--count", str(a.count),
                   "--dir", work, "--true", a.true_binary]
            out = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
            # Wait until the agent has stopped deciding events (queue drained).
            # (The agent sees the whole host: on a shared machine other processes keep adding
            # a trickle of events, so "drained" is "fewer than 500 new events in 200 ms".)
            last, t_end = slot(1), time.time() + 30
            while time.time() < t_end:
                time.sleep(0.2)
                now = slot(1)
                if now - last < 500:
                    break
                last = now
            if perf:
                perf.send_signal(signal.SIGINT)
                perf.wait()
            c1 = cpu_seconds(agent.pid)
            time.sleep(0.35)  # the stats slots are refreshed every 100 ms
            ev, qd, kd = slot(1) - ev0, slot(2) - qd0, slot(3) - kd0
            cpu = c1 - c0
            wall = time.time() - w0
            # Subtract the background measured in the idle window, scaled to this window.
            bg_ev, bg_cpu = idle_ev * wall / idle_s, idle_cpu * wall / idle_s
            net = (cpu - bg_cpu) / max(ev - bg_ev, 1)
            print(f"run {run}: {out}")
            print(f"  idle: {idle_ev / idle_s:.0f} ev/s, {100 * idle_cpu / idle_s:.1f}% CPU; "
                  f"net of background: us_per_event={1e6 * net:.2f}")
            print(f"  events={ev} queue_drops={qd} kernel_drops={kd} store_drops={slot(4)} agent_cpu_s={cpu:.2f} "
                  f"us_per_event={1e6 * cpu / max(ev, 1):.2f} VmHWM_MiB={status(agent.pid, 'VmHWM') / 1024:.1f} "
                  f"VmRSS_MiB={status(agent.pid, 'VmRSS') / 1024:.1f}")
            sys.stdout.flush()
    finally:
        agent.send_signal(signal.SIGTERM)
        try:
            agent.wait(timeout=30)
        except subprocess.TimeoutExpired:
            agent.kill()
        subprocess.run(["rm", "-rf", d, work])


if __name__ == "__main__":
    main()
