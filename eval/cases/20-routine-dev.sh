# Routine developer work: must raise no alert.

#@ id=dev-gcc-build-run kind=routine tactic=routine technique=- signal=- title=gcc compile and run in a temp directory
printf '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n' > hello.c; gcc -O2 -o hello hello.c && ./hello

#@ id=dev-make-build kind=routine tactic=routine technique=- signal=- title=make build with several objects, run the result, make clean
mkdir -p proj/src; cd proj
for i in 1 2 3 4 5; do printf 'int f%s(void){return %s;}\n' $i $i > src/f$i.c; done
printf 'int f1(void);\nint main(void){return f1()-1;}\n' > src/main.c
printf 'OBJS=$(patsubst %%.c,%%.o,$(wildcard src/*.c))\napp: $(OBJS)\n\t$(CC) -o $@ $^\nclean:\n\trm -f app $(OBJS)\n' > Makefile
make -s -j2 && ./app && make -s clean

#@ id=dev-tmp-build-run kind=routine tactic=routine technique=- signal=- title=Compile and run a test program under /tmp
d=$(mktemp -d /tmp/build.XXXX); at_exit "rm -rf $d"
printf 'int main(void){return 0;}\n' > $d/t.c; gcc -o $d/t $d/t.c && $d/t

#@ id=dev-git-ops kind=routine tactic=routine technique=- signal=- title=git init, commit, branch, log, diff
git init -q repo && cd repo && git config user.email dev@example.com && git config user.name dev
echo a > a.txt && git add a.txt && git commit -qm one && git checkout -qb feature && echo b >> a.txt && git commit -qam two && git log --oneline >/dev/null && git diff HEAD~1 >/dev/null

#@ id=dev-git-clone-local kind=routine tactic=routine technique=- signal=- title=git clone of a local repository and pull
git init -q --bare origin.git; git clone -q origin.git w 2>/dev/null; cd w && git config user.email d@e && git config user.name d && echo x > f && git add f && git commit -qm x && git push -q origin HEAD 2>/dev/null; git pull -q 2>/dev/null; true

#@ id=dev-python-script kind=routine tactic=routine technique=- signal=- title=Python script processing a CSV
printf 'a,b\n1,2\n3,4\n' > in.csv; python3 -c 'import csv; print(sum(int(r["b"]) for r in csv.DictReader(open("in.csv"))))'

#@ id=dev-python-venv kind=routine tactic=routine technique=- signal=- title=Python virtualenv created and a module run
python3 -m venv venv 2>/dev/null && ./venv/bin/python -c 'import sys; print(sys.prefix)' || true

#@ id=dev-python-http-local kind=routine tactic=routine technique=- signal=- title=Local HTTP server queried with curl (developer testing)
mkdir www; echo '{"ok":true}' > www/api.json; serve_http www
curl -s http://127.0.0.1:$EVAL_PORT/api.json | python3 -m json.tool

#@ id=dev-curl-json-jq kind=routine tactic=routine technique=- signal=- title=curl output piped into grep and python formatting
mkdir www; echo '{"v":1}' > www/v; serve_http www
curl -s http://127.0.0.1:$EVAL_PORT/v | grep -c v; curl -s -o out.json http://127.0.0.1:$EVAL_PORT/v

#@ id=dev-cp-project-tree kind=routine tactic=routine technique=- signal=- title=cp -a of a project tree containing key-shaped test fixtures and dotfiles
mkdir -p app/tests/fixtures app/config; ssh-keygen -q -t ed25519 -N '' -f app/tests/fixtures/id_ed25519
echo 'alias ll="ls -l"' > app/config/.bashrc; echo 'x' > app/config/.profile; echo 'k' > app/tests/fixtures/server.pem
cp -a app app-copy; cp app/config/.bashrc app-copy/dotfiles.bashrc

#@ id=dev-dotfiles-copy kind=routine tactic=routine technique=- signal=- title=Copy of dotfiles into a project directory
mkdir -p dotfiles; cp /etc/skel/.bashrc dotfiles/.bashrc 2>/dev/null || echo x > dotfiles/.bashrc; cp /etc/skel/.profile dotfiles/ 2>/dev/null; true

#@ id=dev-tar-project kind=routine tactic=routine technique=- signal=- title=tar/gzip of a source tree and extraction
mkdir -p src; for i in $(seq 1 20); do echo "line $i" > src/f$i.txt; done; tar czf src.tgz src && mkdir x && tar xzf src.tgz -C x

#@ id=dev-sed-refactor kind=routine tactic=routine technique=- signal=- title=Refactor: sed -i over many files in a tree
mkdir code; for i in $(seq 1 60); do echo "old_name($i)" > code/m$i.py; done; sed -i 's/old_name/new_name/' code/*.py

#@ id=dev-build-churn kind=routine tactic=routine technique=- signal=- title=Build system rewriting and deleting many files in its own tree
mkdir -p build; for i in $(seq 1 150); do echo "obj $i" > build/o$i.o; done
for i in $(seq 1 150); do echo "obj2 $i" > build/o$i.o.tmp && mv build/o$i.o.tmp build/o$i.o; done; rm -rf build

#@ id=dev-openssl-selfsigned kind=routine tactic=routine technique=- signal=- title=Self-signed TLS certificate for a dev server
openssl req -x509 -newkey rsa:2048 -nodes -keyout dev.key -out dev.crt -days 1 -subj /CN=localhost 2>/dev/null

#@ id=dev-ssh-keygen-scratch-home kind=routine tactic=routine technique=- signal=- title=ssh-keygen for a new key in a scratch home
mkdir -p home/.ssh; HOME=$PWD/home ssh-keygen -q -t ed25519 -N '' -f home/.ssh/id_ed25519 -C dev@laptop

#@ id=dev-base64-file kind=routine tactic=routine technique=- signal=- title=base64 encode/decode of a file (not into a shell)
head -c 1000 /dev/urandom > blob; base64 blob > blob.b64; base64 -d blob.b64 > blob2; cmp blob blob2

#@ id=dev-sqlite kind=routine tactic=routine technique=- signal=- title=sqlite3 database created and queried
sqlite3 app.db 'create table t(a); insert into t values (1); select count(*) from t;'

#@ id=dev-unit-tests kind=routine tactic=routine technique=- signal=- title=Test runner spawning many short processes
for i in $(seq 1 30); do sh -c "test $i -gt 0" || exit 1; done; python3 -c 'import unittest' 

#@ id=dev-pipeline-text kind=routine tactic=routine technique=- signal=- title=Text-processing pipelines (cat | sort | uniq | awk)
printf 'b\na\nb\n' > w.txt; cat w.txt | sort | uniq -c | awk '{print $2}' | sh -c 'cat > /dev/null'
