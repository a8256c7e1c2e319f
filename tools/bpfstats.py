"""bpf_stats helpers shared by the tools/*-cost.py scripts (run as root).

enable_stats() turns run-time statistics on for as long as the returned fd stays open
(bpf(BPF_ENABLE_STATS), no sysctl left behind); own_prog_ids(pid) lists the programs a process
holds (prog_id in its fdinfo), so a measurement sees only that agent's programs and not another
sensor's; prog_stats() reads {name: (run_time_ns, run_cnt)} from bpftool, summed per name.
"""
import ctypes, json, os, subprocess

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_BPF, _BPF_ENABLE_STATS = 321, 32


def enable_stats():
    attr = (ctypes.c_uint32 * 4)(0, 0, 0, 0)  # type 0 = BPF_STATS_RUN_TIME
    fd = _libc.syscall(_SYS_BPF, _BPF_ENABLE_STATS, ctypes.byref(attr), 16)
    assert fd >= 0, f"BPF_ENABLE_STATS failed: errno {ctypes.get_errno()}"
    return fd


def own_prog_ids(pid):
    ids = set()
    d = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(d):
        try:
            for line in open(f"{d}/{fd}"):
                if line.startswith("prog_id:"):
                    ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def prog_stats(ids=None, name_len=None):
    """{name: (run_time_ns, run_cnt)} of the loaded programs (only `ids` when given), summed
    per name; `name_len` truncates names first (bpftool shows 15 characters on old kernels)."""
    out = subprocess.run(["bpftool", "prog", "show", "--json"], capture_output=True, text=True).stdout
    res = {}
    for p in json.loads(out or "[]"):
        if ids is not None and p.get("id") not in ids:
            continue
        k = p.get("name", "?")
        if name_len:
            k = k[:name_len]
        t, c = res.get(k, (0, 0))
        res[k] = (t + p.get("run_time_ns", 0), c + p.get("run_cnt", 0))
    return res
