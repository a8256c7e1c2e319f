# Defense evasion (TA0005).

#@ id=evade-aslr-off kind=attack tactic=defense_evasion technique=T1562.001 signal=procfs title=ASLR turned off with sysctl (restored)
restore_sysctl kernel.randomize_va_space
sysctl -w kernel.randomize_va_space=0

#@ id=evade-aslr-echo kind=attack tactic=defense_evasion technique=T1562.001 signal=procfs title=ASLR turned off by writing /proc/sys (restored)
restore_sysctl kernel.randomize_va_space
echo 0 > /proc/sys/kernel/randomize_va_space

#@ id=evade-timestomp-ref kind=attack tactic=defense_evasion technique=T1070.006 signal=utimes title=Timestomp a dropped binary with touch -r
f=/usr/local/bin/mamori-eval-tool$$; at_exit "rm -f $f"; cp /bin/true $f; touch -r /bin/ls $f

#@ id=evade-timestomp-date kind=attack tactic=defense_evasion technique=T1070.006 signal=utimes title=Timestomp with touch -d to an old date
f=/usr/local/bin/mamori-eval-old$$; at_exit "rm -f $f"; cp /bin/true $f; touch -d '2019-03-01 10:00' $f

#@ id=evade-masquerade-shell kind=attack tactic=defense_evasion technique=T1036.005 signal=exec title=Shell copied and renamed to a daemon name
cp /bin/bash ./sshd; ./sshd -c 'id >/dev/null'

#@ id=evade-kthread-name kind=attack tactic=defense_evasion technique=T1036.004 signal=exec title=Process started with a kernel-thread name in argv[0]
bash -c 'exec -a "[kworker/0:1]" sleep 0.2'

#@ id=evade-history-clear kind=attack tactic=defense_evasion technique=T1070.003 signal=exec title=Shell history disabled and cleared
HOME=$CASE_DIR bash -c 'export HISTFILE=/dev/null; unset HISTFILE; history -c'; bash -c 'set +o history'; echo > "$CASE_DIR/.bash_history"
bash -c "unset HISTFILE; export HISTSIZE=0"

#@ id=evade-history-rm kind=attack tactic=defense_evasion technique=T1070.003 signal=file title=Root's .bash_history deleted (restored)
restore_file /root/.bash_history
rm -f /root/.bash_history

#@ id=evade-log-wipe kind=attack tactic=defense_evasion technique=T1070.002 signal=file title=Log files truncated and deleted under /var/log
d=/var/log/mamori-eval$$; at_exit "rm -rf $d"; mkdir -p $d
for i in $(seq 1 25); do echo x > $d/app$i.log; done
: > $d/app1.log; for i in $(seq 1 25); do rm -f $d/app$i.log; done

#@ id=evade-system-log-truncate kind=attack tactic=defense_evasion technique=T1070.002 signal=file title=wtmp truncated (restored)
restore_file /var/log/wtmp
: > /var/log/wtmp

#@ id=evade-security-stop kind=attack tactic=defense_evasion technique=T1562.001 signal=exec title=Security services stopped (auditd, apparmor; absent units)
# Only where the units are not running: the case must not change the host.
systemctl is-active -q auditd 2>/dev/null && exit 77; systemctl is-active -q apparmor 2>/dev/null && exit 77
systemctl stop auditd.service 2>/dev/null; systemctl stop apparmor.service 2>/dev/null; systemctl disable falcon-sensor 2>/dev/null; true

#@ id=evade-firewall-off kind=attack tactic=defense_evasion technique=T1562.004 signal=exec title=Firewall flushed (in a private network namespace)
need iptables
unshare -n sh -c 'iptables -F; iptables -P INPUT ACCEPT'

#@ id=evade-chattr kind=attack tactic=defense_evasion technique=T1222.002 signal=exec title=Immutable attribute set on a dropped file
echo x > keep; chattr +i keep 2>/dev/null; chattr -i keep 2>/dev/null; true

#@ id=evade-bpf-list kind=attack tactic=defense_evasion technique=T1562.001 signal=exec title=Enumerating loaded eBPF programs and pinned maps
bpftool prog show >/dev/null 2>&1; bpftool map list >/dev/null 2>&1; ls -R /sys/fs/bpf >/dev/null 2>&1; true

#@ id=evade-hidden-exec-tmp kind=attack tactic=defense_evasion technique=T1564.001 signal=exec title=Hidden binary executed from /tmp
f=/tmp/.ICE-unix-x$$; at_exit "rm -f $f"; cp /bin/true $f; $f

#@ id=evade-kill-agent-probe kind=attack tactic=defense_evasion technique=T1562.001 signal=kill title=Signal 0 probe of security agents by pid (no signal delivered)
for p in $(pidof mamori auditd falco 2>/dev/null); do kill -0 $p; done; true
