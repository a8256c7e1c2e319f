# Discovery (TA0007): what an intruder runs in the first minutes on a Linux server.

#@ id=disc-system-info kind=attack tactic=discovery technique=T1082 signal=exec title=System and OS information survey
uname -a; cat /etc/os-release; hostnamectl 2>/dev/null; lscpu | head -5; cat /proc/version; uptime
df -h >/dev/null; free -m >/dev/null

#@ id=disc-virtualisation kind=attack tactic=discovery technique=T1497.001 signal=exec title=Virtualisation and container checks
systemd-detect-virt || true; cat /proc/1/cgroup; grep -i hypervisor /proc/cpuinfo | head -1; ls -la /.dockerenv 2>/dev/null
cat /sys/class/dmi/id/product_name 2>/dev/null || true

#@ id=disc-network-config kind=attack tactic=discovery technique=T1016 signal=exec title=Network configuration survey
ip addr; ip route; cat /etc/resolv.conf; arp -a 2>/dev/null; cat /etc/hosts; ip neigh

#@ id=disc-network-connections kind=attack tactic=discovery technique=T1049 signal=exec title=Open connections and listening services
ss -tanp; netstat -tulpn 2>/dev/null; ss -xlp | head -20

#@ id=disc-process-hunt kind=attack tactic=discovery technique=T1057 signal=exec title=Process hunting for databases and secrets
ps auxww | grep -Ei 'mysql|postgres|redis|mongo|vault|secret' | grep -v grep
ps -eo pid,user,args | grep -Ei 'password|token|key=' | grep -v grep || true

#@ id=disc-security-tools kind=attack tactic=discovery technique=T1518.001 signal=exec title=Looking for security tools and eBPF agents
ps aux | grep -Ei 'falco|auditd|osquery|wazuh|crowdstrike|falcon|sysdig|tetragon|mamori' | grep -v grep
ls /sys/fs/bpf/ 2>/dev/null; bpftool prog list 2>/dev/null | head -20; systemctl list-units --type=service 2>/dev/null | grep -Ei 'audit|falco|edr' || true

#@ id=disc-account-enum kind=attack tactic=discovery technique=T1087.001 signal=exec title=Local account enumeration
cat /etc/passwd; getent passwd | awk -F: '$3 == 0 || $3 >= 1000'; cat /etc/group; id; who; w; last -n 5 2>/dev/null || true

#@ id=disc-permission-groups kind=attack tactic=discovery technique=T1069.001 signal=exec title=Privileged group membership
getent group sudo wheel adm docker lxd 2>/dev/null; groups; grep -E '^(sudo|wheel|docker)' /etc/group

#@ id=disc-file-secrets kind=attack tactic=discovery technique=T1083 signal=exec title=Searching the file system for keys and configs
find / -xdev -maxdepth 4 \( -name 'id_rsa*' -o -name '*.pem' -o -name '.env' -o -name 'wp-config.php' \) 2>/dev/null | head -20
ls -la /root /home 2>/dev/null

#@ id=disc-portscan-devtcp kind=attack tactic=discovery technique=T1046 signal=network title=Port scan of loopback with bash /dev/tcp
for p in $(seq 1 120); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && echo "open $p"; done

#@ id=disc-portscan-nc kind=attack tactic=discovery technique=T1046 signal=network title=Port scan with netcat -z (busybox nc)
ln -s /bin/busybox nc
for p in $(seq 20 140); do ./nc -w 1 -z 127.0.0.1 $p 2>/dev/null; done; true

#@ id=disc-host-sweep kind=attack tactic=discovery technique=T1018 signal=network title=Host sweep of a /24 on port 22 (loopback range)
for h in $(seq 2 60); do timeout 0.3 bash -c "exec 3<>/dev/tcp/127.0.0.$h/22" 2>/dev/null; done; true

#@ id=disc-software-inventory kind=attack tactic=discovery technique=T1518 signal=exec title=Installed software and versions
dpkg -l | head -50 >/dev/null; which gcc python3 perl docker kubectl 2>/dev/null; apt list --installed 2>/dev/null | wc -l

#@ id=disc-burst kind=attack tactic=discovery technique=T1082 signal=exec title=Discovery burst (several families in one session)
id; uname -a; ip a >/dev/null; ss -tan >/dev/null; ps aux >/dev/null; cat /etc/passwd >/dev/null; hostname; cat /etc/*release >/dev/null

#@ id=disc-cloud-metadata kind=attack tactic=discovery technique=T1580 signal=network title=Cloud instance metadata probe (link-local)
curl -s -m 1 http://169.254.169.254/latest/meta-data/ || true
