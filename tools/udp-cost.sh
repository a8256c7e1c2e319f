#!/bin/bash
# Cost per UDP datagram of this build's mamori_sendmsg4 and mamori_dns_egress (bpf_stats):
# tools/udp-cost.sh plain|dns — 20000 datagrams to 127.0.0.1:9 (plain payload or a DNS query).
cd "$(dirname "$0")/.." || exit 1
ids() { bpftool prog show --json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
BEFORE=" $(ids) "
sysctl -q kernel.bpf_stats_enabled=1
timeout 60 ${MAMORI_BIN:-.build/debug/mamori} watch > /tmp/c2-cost-watch.txt 2>&1 &
W=$!
for i in $(seq 150); do grep -q "sensor attached" /tmp/c2-cost-watch.txt && break; sleep 0.2; done
snap() { bpftool prog show --json | python3 -c '
import json,sys
before=set(sys.argv[1].split())
for p in json.load(sys.stdin):
    if str(p["id"]) not in before and p.get("name") in ("mamori_sendmsg4","mamori_dns_egress"): print(p["name"], p.get("run_time_ns",0), p.get("run_cnt",0))' "$BEFORE"; }
snap > /tmp/c2-cost-a.txt
/usr/bin/python3 - "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
q = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0) + b"\x03www\x07example\x03com\x00" + struct.pack(">HH", 1, 1)
payload = q if sys.argv[1] == "dns" else b"x" * 32
for i in range(20000):
    s.sendto(payload, ("127.0.0.1", 9))
PY
snap > /tmp/c2-cost-b.txt
kill -INT $W; wait $W 2>/dev/null
sysctl -q kernel.bpf_stats_enabled=0
paste /tmp/c2-cost-a.txt /tmp/c2-cost-b.txt | awk '{printf "%s: %.0f ns/run over %d runs\n", $1, ($5-$2)/($6-$3), $6-$3}'
