#!/usr/bin/env bash
# The baseline loop of docs/baseline.md as an operator runs it, on the real kernel (root):
# a stand-in service in <cgroup2>/system.slice/mamori-demo.service learns its routine (reads
# its config, writes its log, connects to a loopback port, runs cat), turns stable, then
# deviates (a shell, a new port, a file outside its paths). Then: status, the deviation
# alerts, a proposal written to config.d, reload, and `level simulate` for that unit only.
# Everything lives in a scratch directory and the cgroup it creates; both go at the end.
#   sudo scripts/baseline-demo.sh            (MAMORI_BIN=.build/release/mamori to pick a build)
set -euo pipefail
BIN=${MAMORI_BIN:-.build/debug/mamori}
RULES=${RULES:-rules}
# The distribution's interpreter itself (a pyenv shim would be a bash script).
PY=$(command -v /usr/bin/python3 /usr/bin/python3.1? 2>/dev/null | head -n 1)
unit=mamori-demo.service
dir=$(mktemp -d /tmp/mamori-baseline-demo.XXXXXX)
cgmount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[[ -n "$cgmount" ]] || { echo "baseline-demo: no cgroup v2 mount" >&2; exit 1; }
slice=$cgmount/system.slice
made_slice=0
[[ -d "$slice" ]] || { mkdir "$slice"; made_slice=1; }
cg=$slice/$unit
mkdir "$cg"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    [[ -n "${agent:-}" ]] && { kill -TERM "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; }
    for _ in $(seq 50); do rmdir "$cg" 2>/dev/null && break; sleep 0.1; done
    (( made_slice )) && rmdir "$slice" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

sock=$dir/control.sock
db=$dir/mamori.db
mkdir "$dir/config.d" "$dir/other"
printf 'baseline:\n  quiet_period: 10s\n  units: [%s]\n' "$unit" > "$dir/config.yaml"
echo "setting: 1" > "$dir/svc.conf"
port1=$(( 20000 + RANDOM % 10000 )); port2=$(( port1 + 1 ))
for p in $port1 $port2; do
    python3 -c "import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $p)); s.listen(64)
while True: s.accept()[0].close()" & pids+=($!)
done

"$BIN" agent --config "$dir/config.yaml" --rules "$RULES" --alerts "$dir/alerts.json" --db "$db" \
    --control-socket "$sock" --state-file "$dir/state.json" 2> "$dir/agent.log" &
agent=$!
for _ in $(seq 300); do grep -q "sensor attached" "$dir/agent.log" && break; sleep 0.1; done
grep -q "sensor attached" "$dir/agent.log" || { cat "$dir/agent.log" >&2; exit 1; }

# The service's routine, inside its unit's cgroup: a python daemon (not a shell, so the
# proposal may deny shells to it) that reads its config, writes its log, connects to its
# backend port and runs one helper (cat) per round.
cat > "$dir/svc.py" <<EOF
import socket, subprocess, time
while True:
    open("$dir/svc.conf").read()
    with open("$dir/svc.log", "a") as log: log.write("tick")
    try: socket.create_connection(("127.0.0.1", $port1), timeout=1).close()
    except OSError: pass
    subprocess.run(["/usr/bin/cat", "$dir/svc.conf"], stdout=subprocess.DEVNULL)
    time.sleep(0.5)
EOF
"$PY" -c "import os; open('$cg/cgroup.procs', 'w').write(str(os.getpid())); os.execv('$PY', ['$PY', '$dir/svc.py'])" &
pids+=($!)

echo "== learning: waiting for the profile to turn stable (quiet_period 10s)"
for _ in $(seq 120); do
    "$BIN" baseline status --unit "$unit" --db "$db" 2>/dev/null | grep -q stable && break
    sleep 1
done
"$BIN" baseline status --db "$db"

echo "== deviation: a shell, a new port, a file outside the unit's paths"
# Joined from the service's own interpreter, so nothing but the deviation is new.
"$PY" -c "import os; open('$cg/cgroup.procs', 'w').write(str(os.getpid())); os.execv('/bin/sh', ['sh', '-c', 'id > /dev/null; echo x > $dir/other/dropped.dat'])"
"$PY" -c "import os, socket; open('$cg/cgroup.procs', 'w').write(str(os.getpid())); socket.create_connection(('127.0.0.1', $port2), timeout=1).close()"
sleep 3
echo "-- baseline alerts (rule id: reason)"
python3 - "$dir/alerts.json" "$unit" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    rid = a.get("rule", {}).get("id", "")
    if rid.startswith("mamori.baseline") and sys.argv[2] in line:
        b = a.get("mamori", {}).get("baseline", {})
        print(f"{rid} (severity {a.get('event', {}).get('severity')}, kind {b.get('kind')}):")
        for n in b.get("new", []): print(f"    new:     {n[:150]}")
        for n in b.get("profile", [])[:3]: print(f"    profile: {n[:150]}")
EOF
"$BIN" baseline status --unit "$unit" --db "$db"

echo "== proposal → config.d, reload, simulate for this unit only"
"$BIN" baseline propose --unit "$unit" --db "$db" --output "$dir/config.d/50-demo.yaml"
cat "$dir/config.d/50-demo.yaml"
"$BIN" reload --socket "$sock"
"$BIN" level simulate lockdown --scope "$unit" --since 10m --socket "$sock"
if [[ -n "${KEEP:-}" ]]; then trap - EXIT; echo "kept $dir (agent pid $agent still running)"; fi
