# Helpers sourced by every eval case body (eval/run.sh). Bodies run as root in their own
# session, cwd = $CASE_DIR (a scratch directory removed after the run).

# need TOOL...: exit 77 (reported as "not run: tool missing") when a tool is absent.
need() { for t; do command -v "$t" >/dev/null 2>&1 || { echo "eval: missing $t"; exit 77; }; done; }

# at_exit CMD: run CMD when the case exits (latest first), however it exits.
EVAL_EXIT=""
at_exit() { EVAL_EXIT="$1; $EVAL_EXIT"; trap "$EVAL_EXIT" EXIT; }

# serve_http DIR: a loopback HTTP server on $EVAL_PORT serving DIR, stopped when the case exits.
serve_http() {
    python3 -m http.server --bind 127.0.0.1 "$EVAL_PORT" --directory "$1" >/dev/null 2>&1 &
    EVAL_HTTP_PID=$!
    at_exit "kill $EVAL_HTTP_PID 2>/dev/null" 
    for _ in $(seq 1 50); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $EVAL_PORT), 0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
}

# listen_tcp PORT: a loopback TCP sink (accepts, reads, discards) on PORT, stopped at exit.
listen_tcp() {
    python3 - "$1" >/dev/null 2>&1 <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
def drain(c):
    try:
        while c.recv(65536): pass
    except OSError: pass
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=drain, args=(c,), daemon=True).start()
PY
    EVAL_TCP_PID=$!
    at_exit "kill $EVAL_TCP_PID 2>/dev/null" 
    for _ in $(seq 1 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
}

# restore_file PATH: back PATH up now and put it back (or remove it if it did not exist) at exit.
restore_file() {
    local p=$1 b
    b=$CASE_DIR/.restore.$(echo "$p" | tr / _)
    if [ -e "$p" ]; then cp -a "$p" "$b"; at_exit "cp -a '$b' '$p'"
    else at_exit "rm -f '$p'"; fi
}

# restore_sysctl NAME: put a sysctl back to its current value at exit.
restore_sysctl() {
    local v; v=$(sysctl -n "$1")
    at_exit "sysctl -q -w '$1=$v'"
}
