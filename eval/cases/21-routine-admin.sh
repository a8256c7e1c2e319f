# Routine administration: must raise no alert.

#@ id=adm-tar-etc-backup kind=routine tactic=routine technique=- signal=- title=tar backup of /etc by an admin
tar czf etc-backup.tgz -C / etc 2>/dev/null; tar tzf etc-backup.tgz >/dev/null

#@ id=adm-tar-backup-var-backups kind=routine tactic=routine technique=- signal=- title=Nightly-style backup written to /var/backups and rotated
d=/var/backups/mamori-eval-nightly$$; at_exit "rm -rf $d"; mkdir -p $d
tar czf $d/etc-$(date +%F).tgz -C / etc/hostname etc/fstab 2>/dev/null; ls $d >/dev/null

#@ id=adm-apt-cache kind=routine tactic=routine technique=- signal=- title=apt-cache and dpkg queries
apt-cache policy bash >/dev/null; apt-cache search --names-only '^coreutils$' >/dev/null; dpkg -s bash >/dev/null

#@ id=adm-systemctl-status kind=routine tactic=routine technique=- signal=- title=systemctl status and journal queries
systemctl status --no-pager 2>/dev/null | head -5; systemctl list-timers --no-pager 2>/dev/null | head -3; journalctl -n 5 --no-pager 2>/dev/null; true

#@ id=adm-logrotate kind=routine tactic=routine technique=- signal=- title=Log rotation with logrotate on a scratch config
mkdir logs; for i in 1 2 3; do echo line >> logs/app.log; done
printf '%s/logs/app.log {\n  rotate 3\n  compress\n  missingok\n}\n' "$PWD" > lr.conf
logrotate -f -s "$PWD/lr.state" lr.conf

#@ id=adm-cron-edit kind=routine tactic=routine technique=- signal=- title=Admin edits a cron.d job the usual way (editor, then cron picks it up)
restore_file /etc/cron.d/mamori-eval-logclean
printf '# clean old logs\n17 3 * * * root find /var/log/app -name "*.gz" -mtime +30 -delete\n' > /tmp/.crontmp$$; at_exit "rm -f /tmp/.crontmp$$"
install -m 644 /tmp/.crontmp$$ /etc/cron.d/mamori-eval-logclean

#@ id=adm-disk-usage kind=routine tactic=routine technique=- signal=- title=Disk and memory checks
df -h >/dev/null; du -sh /var/log 2>/dev/null >/dev/null; free -m >/dev/null; lsblk >/dev/null 2>&1; true

#@ id=adm-process-check kind=routine tactic=routine technique=- signal=- title=Checking a service's processes with ps and pgrep
ps aux --sort=-%mem | head -5 >/dev/null; pgrep -l systemd >/dev/null; true

#@ id=adm-network-check kind=routine tactic=routine technique=- signal=- title=Checking listening ports and routes once
ss -tlnp >/dev/null; ip -br addr >/dev/null

#@ id=adm-user-password-change kind=routine tactic=routine technique=- signal=- title=getent and id lookups for a support ticket
getent passwd root >/dev/null; id root >/dev/null

#@ id=adm-config-edit-etc kind=routine tactic=routine technique=- signal=- title=Editing an application config under /etc (restored)
restore_file /etc/mamori-eval-app.conf
printf 'listen = 8080\nworkers = 4\n' > /etc/mamori-eval-app.conf; sed -i 's/workers = 4/workers = 8/' /etc/mamori-eval-app.conf

#@ id=adm-rsync-like-copy kind=routine tactic=routine technique=- signal=- title=cp -a of /etc/ssh config to a scratch backup
cp -a /etc/ssh ssh-backup 2>/dev/null; cp -a /etc/hosts hosts.bak; true

#@ id=adm-find-old-logs kind=routine tactic=routine technique=- signal=- title=Find and remove old files in an application's scratch log directory
mkdir -p applog; for i in $(seq 1 10); do echo x > applog/a$i.log.gz; touch -d '40 days ago' applog/a$i.log.gz; done; find applog -name '*.gz' -mtime +30 -delete

#@ id=adm-sha256-verify kind=routine tactic=routine technique=- signal=- title=Checksum verification of downloaded artefacts
cp /bin/true artefact; sha256sum artefact > SHA256SUMS; sha256sum -c SHA256SUMS >/dev/null

#@ id=adm-curl-download-file kind=routine tactic=routine technique=- signal=- title=Download of a release tarball with curl -O and extraction
mkdir www; mkdir pkg; echo x > pkg/README; tar czf www/pkg.tgz pkg; serve_http www
curl -s -O http://127.0.0.1:$EVAL_PORT/pkg.tgz && mkdir out && tar xzf pkg.tgz -C out

#@ id=adm-gpg-sign kind=routine tactic=routine technique=- signal=- title=gpg symmetric encryption of a backup with a scratch GNUPGHOME
mkdir -m 700 gnupg; echo data > b.txt; GNUPGHOME=$PWD/gnupg gpg -q --batch --pinentry-mode loopback --passphrase x -c b.txt 2>/dev/null; true

#@ id=adm-zip-logs kind=routine tactic=routine technique=- signal=- title=zip of application logs for a support case
mkdir l; for i in 1 2 3; do echo log > l/$i.log; done; zip -qr logs.zip l

#@ id=adm-hostname-check kind=routine tactic=routine technique=- signal=- title=hostname and uptime at login
hostname >/dev/null; uptime >/dev/null

#@ id=adm-kill-own-job kind=routine tactic=routine technique=- signal=- title=Admin stops a runaway job they started
sleep 30 & j=$!; sleep 0.2; kill $j

#@ id=adm-mkfifo-ipc kind=routine tactic=routine technique=- signal=- title=Named pipe used between two scripts
mkfifo q; (echo hello > q) & cat q > /dev/null

#@ id=adm-sysctl-read kind=routine tactic=routine technique=- signal=- title=Reading kernel settings with sysctl
sysctl -n kernel.randomize_va_space >/dev/null; sysctl net.ipv4.ip_forward >/dev/null
