# Impact (TA0040), all inside scratch directories and processes the case starts.

#@ id=impact-openssl-encrypt-dir kind=attack tactic=impact technique=T1486 signal=file title=Directory of documents encrypted with openssl and originals removed
mkdir docs; for i in $(seq 1 30); do head -c 2000 /dev/urandom > docs/report$i.docx; done
for f in docs/*.docx; do openssl enc -aes-256-cbc -pbkdf2 -pass pass:k -in "$f" -out "$f.enc" && rm -f "$f"; done

#@ id=impact-rename-extension kind=attack tactic=impact technique=T1486 signal=file title=Mass rename of files to a new extension (ransomware-style)
mkdir data; for i in $(seq 1 40); do echo "row $i" > data/f$i.csv; done
for f in data/*.csv; do mv "$f" "$f.locked"; done

#@ id=impact-ransom-note kind=attack tactic=impact technique=T1486 signal=file title=Ransom note dropped into many directories
for i in $(seq 1 20); do mkdir -p share/d$i; echo 'Your files are encrypted. Pay 1 BTC' > share/d$i/README_DECRYPT.txt; done

#@ id=impact-python-encrypt-inplace kind=attack tactic=impact technique=T1486 signal=file title=Files rewritten in place with XOR "encryption" by one process
mkdir vault; for i in $(seq 1 40); do head -c 4096 /dev/urandom > vault/img$i.jpg; done
python3 - <<'PY'
import os
for name in os.listdir("vault"):
    p = os.path.join("vault", name)
    with open(p, "r+b") as f:
        data = bytes(b ^ 0x5a for b in f.read()); f.seek(0); f.write(data)
    os.rename(p, p + ".crypt")
PY

#@ id=impact-dd-database kind=attack tactic=impact technique=T1485 signal=file title=Database files overwritten with dd
d=/var/lib/mysql-eval$$; at_exit "rm -rf $d"; mkdir -p $d; for i in 1 2 3; do head -c 65536 /dev/urandom > $d/ibdata$i; done
for f in $d/ibdata*; do dd if=/dev/zero of=$f bs=4096 count=16 conv=notrunc status=none; done

#@ id=impact-shred-burst kind=attack tactic=impact technique=T1485 signal=file title=Files destroyed with shred -u
mkdir db; for i in $(seq 1 15); do head -c 8192 /dev/urandom > db/table$i.ibd; done
shred -u -n 1 db/*.ibd

#@ id=impact-mass-delete kind=attack tactic=impact technique=T1485 signal=file title=Many files deleted by one process (rm -rf of a data tree)
mkdir -p srv/data; for i in $(seq 1 200); do echo x > srv/data/r$i.dat; done; rm -rf srv/data

#@ id=impact-kill-services kind=attack tactic=impact technique=T1489 signal=kill title=Services killed en masse (the case's own decoy daemons)
for n in mysqld postgres nginx redis-server sshd-decoy java; do cp /bin/sleep ./$n; ./$n 30 & done
sleep 0.3; killall -q -9 ./mysqld ./postgres ./nginx ./redis-server ./sshd-decoy ./java 2>/dev/null; true

#@ id=impact-service-stop-burst kind=attack tactic=impact technique=T1489 signal=exec title=Many services stopped with systemctl (absent units)
for s in mysql postgresql nginx apache2 redis docker; do systemctl is-active -q $s 2>/dev/null && exit 77; done
for s in mysql postgresql nginx apache2 redis docker; do systemctl stop $s 2>/dev/null; done; true

#@ id=impact-backups-deleted kind=attack tactic=impact technique=T1490 signal=file title=Backup archives deleted
d=/var/backups/mamori-eval$$; at_exit "rm -rf $d"; mkdir -p $d; for i in 1 2 3 4 5 6; do echo x > $d/db-$i.tar.gz; done; rm -f $d/*.tar.gz

#@ id=impact-miner kind=attack tactic=impact technique=T1496 signal=exec title=Cryptocurrency miner started (renamed sleep with miner arguments)
cp /bin/sleep ./xmrig; timeout 1 ./xmrig 5 --url stratum+tcp://127.0.0.1:3333 --user wallet 2>/dev/null; true

#@ id=impact-wipe-blockdev kind=attack tactic=impact technique=T1561.001 signal=file title=Block device wiped with dd (a loop device on a scratch image)
dd if=/dev/zero of=disk.img bs=1M count=4 status=none
dev=$(losetup -f --show disk.img) || exit 77; at_exit "losetup -d $dev"
dd if=/dev/zero of=$dev bs=64k count=4 status=none
