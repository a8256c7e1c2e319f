# Process injection and fileless execution (TA0005 / TA0004: T1055, T1620, T1574).

#@ id=inj-proc-mem-write kind=attack tactic=defense_evasion technique=T1055.009 signal=procfs title=Writing another process's memory through /proc/PID/mem
python3 -c 'import time; b=bytearray(b"A"*4096); time.sleep(5)' & victim=$!
sleep 0.3
python3 - $victim <<'PY'
import sys
pid = sys.argv[1]
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "r+b", 0) as mem:
    for line in maps:
        if "[heap]" in line:
            lo = int(line.split("-")[0], 16); mem.seek(lo + 64); mem.write(b"\x90" * 16); break
PY
kill $victim

#@ id=inj-gdb-attach kind=attack tactic=defense_evasion technique=T1055.008 signal=ptrace title=gdb attaches to a running process
need gdb
sleep 10 & victim=$!
gdb -q -batch -p $victim -ex 'info registers rip' >/dev/null 2>&1; kill $victim

#@ id=inj-strace-attach kind=attack tactic=credential_access technique=T1056 signal=ptrace title=strace attaches to another process to sniff its reads
need strace
sleep 10 & victim=$!
timeout 1 strace -f -e trace=read -p $victim >/dev/null 2>&1; kill $victim

#@ id=inj-ptrace-python kind=attack tactic=defense_evasion technique=T1055.008 signal=ptrace title=PTRACE_ATTACH from a script (ctypes)
sleep 10 & victim=$!
python3 - $victim <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
pid = int(sys.argv[1])
libc.ptrace(16, pid, 0, 0)  # PTRACE_ATTACH
os.waitpid(pid, 0)
libc.ptrace(17, pid, 0, 0)  # PTRACE_DETACH
PY
kill $victim

#@ id=inj-memfd-exec kind=attack tactic=defense_evasion technique=T1620 signal=memfd title=Binary executed from a memfd (fileless)
python3 - <<'PY'
import os
fd = os.memfd_create("kworker", 0)
with open("/bin/true", "rb") as f: os.write(fd, f.read())
pid = os.fork()
if pid == 0:
    os.execve(f"/proc/self/fd/{fd}", ["kworker"], {})
os.waitpid(pid, 0)
PY

#@ id=inj-memfd-shell kind=attack tactic=defense_evasion technique=T1620 signal=memfd title=Shell executed from a memfd
python3 - <<'PY'
import os
fd = os.memfd_create("", 0)
with open("/bin/dash", "rb") as f: os.write(fd, f.read())
pid = os.fork()
if pid == 0:
    os.execve(f"/proc/self/fd/{fd}", ["sh", "-c", "id"], {})
os.waitpid(pid, 0)
PY

#@ id=inj-deleted-binary kind=attack tactic=defense_evasion technique=T1070.004 signal=exec title=Running binary deleted from disk after start
cp /bin/sleep ./updater; ./updater 3 & p=$!; sleep 0.2; rm -f ./updater; ls -l /proc/$p/exe; kill $p

#@ id=inj-ld-preload-env kind=attack tactic=defense_evasion technique=T1574.006 signal=exec title=LD_PRELOAD of a library from a scratch directory
need gcc
printf '#include <stdio.h>\n__attribute__((constructor)) static void x(void){}\n' > hook.c
gcc -shared -fPIC -o libhook.so hook.c && LD_PRELOAD=$PWD/libhook.so /bin/true

#@ id=inj-exec-dev-shm kind=attack tactic=defense_evasion technique=T1036 signal=exec title=Binary dropped to /dev/shm and run
d=/dev/shm/.eval$$; at_exit "rm -rf $d"; mkdir -p $d; cp /bin/true $d/dbus-daemon; $d/dbus-daemon
