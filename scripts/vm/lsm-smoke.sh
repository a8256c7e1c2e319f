#!/bin/sh
# Guest side of the BPF LSM smoke check: runs the loader on its object and prints the
# `@@MAMORI-VM lsm-smoke <result>` marker that run.sh reports.
dir=$(dirname "$0")
result=$("$dir/lsm-smoke" "$dir/lsm-smoke.bpf.o" 2>&1)
rc=$?
echo "$result" | sed -n '1,40p' | grep -v '^lsm smoke:' 
echo "@@MAMORI-VM lsm-smoke $(echo "$result" | grep '^lsm smoke:' | tail -n 1 | sed 's/^lsm smoke: //')"
exit $rc
