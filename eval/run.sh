#!/usr/bin/env bash
# Mamori evaluation corpus runner (`make eval`).
#
# Starts the real agent the way `make run` does (default rule pack, ECS alert log, store), but
# with a scratch alert log, store, control socket and state file, and detection only
# (--no-prevention: the corpus must never be blocked or killed by the agent). Then runs every
# case of eval/cases/*.sh in its own session (setsid: the session leader's pid attributes the
# case's alerts), waits for the pipeline to drain, and hands the results to eval/report.py,
# which writes the coverage table (docs/detection.md unless EVAL_OUT says otherwise).
#
# Case files hold several cases; each starts with a header line
#   #@ id=<id> kind=attack|routine tactic=<tactic> technique=<T####[.###]> signal=<signal> title=<text>
# followed by its bash body (until the next header). A body runs with `set -u`, in a fresh
# scratch directory ($CASE_DIR, also the cwd), with $EVAL_PORT a free loopback port, and must
# restore whatever it touched outside $CASE_DIR (use `trap ... EXIT`). Bodies only act on
# loopback, network namespaces they create, scratch directories and processes they spawn.
#
# Environment: MAMORI_BIN (default .build/release/mamori), EVAL_FILTER (regex on case ids),
# EVAL_OUT (markdown output, default docs/detection.md), EVAL_CASE_TIMEOUT (seconds, default 20),
# EVAL_KEEP=1 keeps the scratch directory.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${MAMORI_BIN:-$ROOT/.build/release/mamori}
OUT=${EVAL_OUT:-$ROOT/docs/detection.md}
FILTER=${EVAL_FILTER:-.}
CASE_TIMEOUT=${EVAL_CASE_TIMEOUT:-20}
[ "$(id -u)" = 0 ] || { echo "eval: must run as root (the agent loads BPF programs)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "eval: $BIN not found; run make build or set MAMORI_BIN" >&2; exit 2; }

W=$(mktemp -d /tmp/mamori-eval.XXXXXX)
chmod 755 "$W"
AGENT_PID=
cleanup() {
    if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
        kill -INT "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null
    fi
    [ "${EVAL_KEEP:-0}" = 1 ] && echo "eval: scratch kept in $W" || rm -rf "$W"
}
trap cleanup EXIT

"$BIN" agent --rules "$ROOT/rules" --alerts "$W/alerts.json" --db "$W/mamori.db" --no-prevention \
    --control-socket "$W/control.sock" --state-file "$W/state.json" >"$W/agent.log" 2>&1 &
AGENT_PID=$!

# Ready once the sensor is attached (its log line), plus a grace period for the poller.
for _ in $(seq 1 600); do
    grep -q "sensor attached" "$W/agent.log" 2>/dev/null && break
    kill -0 "$AGENT_PID" 2>/dev/null || { echo "eval: agent exited:"; cat "$W/agent.log"; exit 1; }
    sleep 0.1
done
sleep 2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

RESULTS=$W/results.tsv
: >"$RESULTS"
n=0
for file in "$ROOT"/eval/cases/*.sh; do
    # Split the file into cases: header line index → body.
    mapfile -t lines <"$file"
    headers=()
    for i in "${!lines[@]}"; do [[ ${lines[$i]} == '#@ '* ]] && headers+=("$i"); done
    for h in "${!headers[@]}"; do
        start=${headers[$h]}
        end=${headers[$((h + 1))]:-${#lines[@]}}
        header=${lines[$start]#\#@ }
        id=$(sed -n 's/.*\bid=\([^ ]*\).*/\1/p' <<<"$header")
        [[ $id =~ $FILTER ]] || continue
        body=$(printf '%s\n' "${lines[@]:$((start + 1)):$((end - start - 1))}")
        case_dir=$W/cases/$id
        mkdir -p "$case_dir"
        chmod 777 "$case_dir"
        printf '%s\n' "set -u" ". \"$ROOT/eval/lib.sh\"" "$body" >"$W/$id.body.sh"
        port=$(free_port)
        t0=$(date +%s%N)
        # setsid --wait: the case is a session leader (its pid is the session id every process
        # it starts inherits), and the runner waits for it.
        ( cd "$case_dir" && CASE_DIR=$case_dir EVAL_PORT=$port EVAL_ROOT=$ROOT \
            exec setsid --wait timeout -k 2 "$CASE_TIMEOUT" bash "$W/$id.body.sh" \
            >"$W/$id.out" 2>&1 </dev/null ) &
        runner=$!
        # The session leader is the `timeout` (setsid execs it): its pid is the sid.
        wait "$runner"; rc=$?
        t1=$(date +%s%N)
        # Whatever the case left running in its own session (and only that) is stopped.
        leftover=$(ps -e -o pid=,sid= | awk -v s="$runner" '$2 == s { print $1 }')
        [ -n "$leftover" ] && kill $leftover 2>/dev/null
        printf '%s\t%s\t%s\t%s\t%s\n' "$id" "$runner" "$t0" "$t1" "$rc" >>"$RESULTS"
        n=$((n + 1))
        printf 'eval: %-40s rc=%s\n' "$id" "$rc"
        # Separate cases in time too, and let sequence/threshold windows of one case not run
        # into the next one's processes (they are keyed by lineage = the case's session).
        sleep 0.3
    done
done

# Drain: the agent's queue and store writer are asynchronous.
sleep 4
cp "$W/alerts.json" "$W/alerts.final.json" 2>/dev/null || : >"$W/alerts.final.json"
python3 "$ROOT/eval/report.py" --cases "$ROOT"/eval/cases/*.sh --results "$RESULTS" \
    --alerts "$W/alerts.final.json" --out "$OUT" --filter "$FILTER" --outputs "$W"
