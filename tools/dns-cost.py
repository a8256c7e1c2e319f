#!/usr/bin/env python3
# Cost of the DNS packet-path programs (bpf/dns.bpf.c) per packet, from bpf_stats: runs
# `mamori watch --kind dns`, enables run-time stats through bpf(BPF_ENABLE_STATS) and reads the
# run_time_ns/run_cnt deltas of mamori_dns_egress/ingress around two loopback workloads:
#   tcp   N connect/accept/close rounds to a local listener (no DNS: the header parse only)
#   dns   N UDP queries to a responder on 127.0.0.53:53 and its answers (record + ring output;
#         the per-owner budget of 256 records/s suppresses most of them, counted)
# Works on the host and in the `make test-vm` guest:
#   make test-vm VM_FILTER=DNSEvents VM_EXEC='python3 tools/dns-cost.py .build/debug/mamori 2000'
# Usage: sudo python3 tools/dns-cost.py .build/debug/mamori [N]
import ctypes, json, socket, subprocess, sys, threading, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bpfstats import enable_stats, own_prog_ids, prog_stats  # noqa: E402
mamori = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
libc = ctypes.CDLL(None, use_errno=True)
stats_fd = enable_stats()

def progs():
    return prog_stats(name_len=15)

def tcp():
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(128)
    port = srv.getsockname()[1]
    def acc():
        for _ in range(N):
            c, _ = srv.accept(); c.close()
    t = threading.Thread(target=acc); t.start()
    for _ in range(N):
        s = socket.create_connection(("127.0.0.1", port)); s.close()
    t.join(); srv.close()

def dns():
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); srv.bind(("127.0.0.53", 53))
    def answer():
        for _ in range(N):
            q, peer = srv.recvfrom(512)
            srv.sendto(q[:2] + b"\x81\x83" + q[4:], peer)   # NXDOMAIN echo
    t = threading.Thread(target=answer); t.start()
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04cost\x06mamori\x04test\x00\x00\x01\x00\x01"
    c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(2)
    for _ in range(N):
        c.sendto(q, ("127.0.0.53", 53)); c.recvfrom(512)
    t.join(); srv.close(); c.close()

w = subprocess.Popen([mamori, "watch", "--kind", "dns"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
line = w.stderr.readline()
while line and "attached" not in line:
    line = w.stderr.readline()
for name, fn in (("tcp", tcp), ("dns", dns)):
    a = progs(); fn(); b = progs()
    for k in ("mamori_dns_egre", "mamori_dns_ingr"):
        t = b.get(k, (0, 0))[0] - a.get(k, (0, 0))[0]
        c = b.get(k, (0, 0))[1] - a.get(k, (0, 0))[1]
        print(f"  {name:4s} {k:16s} runs={c:7d} ns/run={t / c if c else 0:7.1f}")
w.send_signal(2); w.wait()
