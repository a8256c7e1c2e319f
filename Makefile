# Mamori build entry point. Every setup step lives here so a fresh Debian 12 machine (and CI)
# needs nothing but `make run` / `make test`.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

CLANG      ?= clang
BPFTOOL    ?= bpftool
SWIFT      ?= swift
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
BUILD      := build/bpf
GEN        := Sources/CMamoriBPF/generated
BPF_SRCS   := bpf/process.bpf.c bpf/network.bpf.c bpf/file.bpf.c \
              bpf/prevent_exec.bpf.c bpf/prevent_net.bpf.c bpf/prevent_lsm.bpf.c \
              bpf/tamper.bpf.c bpf/activity.bpf.c bpf/dns.bpf.c \
              bpf/fileattr.bpf.c
BPF_HDRS   := $(wildcard bpf/include/mamori/*.h bpf/lib/*.h)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
              -Wno-default-const-init-var-unsafe -Wno-unknown-warning-option \
              -I$(BUILD) -Ibpf/include -Ibpf
APT_PKGS   := libbpf-dev libelf-dev libsqlite3-dev bpftool zlib1g-dev pkg-config iproute2 curl rsyslog python3-pip iptables
SWIFT_FLAGS ?=

.PHONY: all deps mounts py-test-deps bpf build debug run watch test test-unit test-vm vm-deps doctor bench bench-alloc bench-callgrind eval clean fuzz fuzz-build fuzz-seeds \
        static install install-files uninstall bench-deps verify-unit deb package-check install-check link-check

all: build

# System packages: installed only when one is missing.
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "error: swift toolchain not found (expected /opt/swift/usr/bin)"; exit 1; }

# bpffs and tracefs (the agent mounts them too; tests and bpftool want them up front).
mounts:
	@mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	@mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing

$(BUILD)/vmlinux.h:
	@mkdir -p $(BUILD)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(BUILD)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/mamori.bpf.o: $(BPF_OBJS)
	$(BPFTOOL) gen object $@ $^

$(GEN)/mamori.skel.h: $(BUILD)/mamori.bpf.o
	@mkdir -p $(GEN)
	$(BPFTOOL) gen skeleton $< name mamori_bpf > $@.tmp && mv $@.tmp $@

# Benchmark floor: the same hook points with empty bodies, in its own skeleton.
$(BUILD)/floor.o: $(BUILD)/floor.bpf.o
	$(BPFTOOL) gen object $@ $^

$(GEN)/floor.skel.h: $(BUILD)/floor.o
	@mkdir -p $(GEN)
	$(BPFTOOL) gen skeleton $< name mamori_floor > $@.tmp && mv $@.tmp $@

# Socket destroyer for isolation (iter/tcp, iter/udp + bpf_sock_destroy, 6.5+): its own object,
# so a kernel without the kfunc fails only this load (bpf/sock_destroy.bpf.c).
$(BUILD)/sockdestroy.o: $(BUILD)/sock_destroy.bpf.o
	$(BPFTOOL) gen object $@ $<

$(GEN)/sockdestroy.skel.h: $(BUILD)/sockdestroy.o
	@mkdir -p $(GEN)
	$(BPFTOOL) gen skeleton $< name mamori_sockdestroy > $@.tmp && mv $@.tmp $@

bpf: deps $(GEN)/mamori.skel.h $(GEN)/floor.skel.h $(GEN)/sockdestroy.skel.h

build: bpf
	$(SWIFT) build -c release $(SWIFT_FLAGS)
	@echo "built .build/release/mamori"

debug: bpf
	$(SWIFT) build $(SWIFT_FLAGS)

ALERTS ?= /var/log/mamori/alerts.json
DB     ?= /var/lib/mamori/mamori.db

# Sets up and runs the agent in the foreground with the default configuration and rule pack:
# sensor + detection, ECS alerts appended to $(ALERTS), history in $(DB).
run: build mounts
	@echo "alerts → $(ALERTS) (tail -f it), store → $(DB) (mamori alerts / incidents / story)"
	.build/release/mamori agent --rules rules --alerts $(ALERTS) --db $(DB)

# The evaluation corpus (eval/cases/*.sh): the agent as `run` starts it, 100+ harmless attack
# simulations and routine tasks, coverage table into docs/detection.md (root; a few minutes).
eval: build mounts
	MAMORI_BIN=.build/release/mamori eval/run.sh

# The raw event stream, one readable line per kernel event.
watch: build mounts
	.build/release/mamori watch

doctor: build mounts
	.build/release/mamori doctor

# Python modules the tests use: the OCSF schema validator (Tests/ocsf/validate.py).
PY_TEST_PKGS := ocsf-json-schema jsonschema
py-test-deps:
	@python3 -c 'import ocsf_json_schema, jsonschema' 2>/dev/null || \
	  python3 -m pip install -q --disable-pip-version-check $(PY_TEST_PKGS) || \
	  python3 -m pip install -q --disable-pip-version-check --break-system-packages $(PY_TEST_PKGS)

# Unit + root integration tests. Under CI=true the root tests fail (never skip) without root/BPF.
test: bpf mounts py-test-deps
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS)

test-unit: bpf py-test-deps
	$(SWIFT) test $(SWIFT_FLAGS) --skip MamoriSensorTests

# The kernel matrix (docs/kernel-matrix.md): boots Debian 12's 6.1 cloud kernel with BPF LSM under
# QEMU (TCG) and runs the root integration suites there. VM_FILTER / VM_SKIP are Swift Testing
# --filter / --skip regexes; the default runs the sensor integration suites and every test whose
# id contains Prevention (module MamoriPreventionTests, Prevention* suites anywhere), minus the two
# stress tests (20,000 execs, a 30,000-process fork storm): tens of minutes under TCG, past any
# CI budget (docs/kernel-matrix.md "Which suites"; run them with VM_SKIP= VM_TIMEOUT=3600), and the
# unit-sandbox suite: Debian's kernel (perf_event_paranoid=3) refuses the sandboxed agent's
# tracepoint attach with EACCES (CAP_PERFMON is not enough there): a real defect, not a VM limit.
VM_DIR     ?= build/vm
VM_FILTER  ?= SensorIntegration|Prevention
VM_SKIP    ?= ExecBurstTests|MemoryBudgetTests|SandboxedPreventionTests
VM_TIMEOUT ?= 900
VM_APT_PKGS := qemu-system-x86 busybox-static cpio binutils
export VM_DIR VM_FILTER VM_SKIP VM_TIMEOUT

vm-deps:
	@missing=""; for p in $(VM_APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Guest-only smoke check that BPF LSM really denies an exec (scripts/vm/lsm-smoke*).
$(VM_DIR)/lsm-smoke.bpf.o: scripts/vm/lsm-smoke.bpf.c $(BUILD)/vmlinux.h
	@mkdir -p $(VM_DIR)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(VM_DIR)/lsm-smoke: scripts/vm/lsm-smoke.c
	@mkdir -p $(VM_DIR)
	$(CC) -O2 -Wall -o $@ $< $$(pkg-config --cflags --libs libbpf)

test-vm: bpf vm-deps $(VM_DIR)/lsm-smoke.bpf.o $(VM_DIR)/lsm-smoke
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	scripts/vm/test-vm.sh

# Overhead benchmark (docs/benchmarks.md): `make bench`, or `make bench BENCH_ARGS="--quick --json"`.
BENCH_ARGS ?=
ifdef QUICK
BENCH_ARGS += --quick
endif
# Mallocs per event of each pipeline stage (Benchmarks/, its own package: ordo-one/benchmark).
bench-alloc: bpf
	cd Benchmarks && MAMORI_RULES=$(CURDIR)/rules $(SWIFT) package --disable-sandbox benchmark \
	  --target PipelineAllocations --metric mallocCountTotal --scale $(BENCH_ARGS)

# Instructions per event of decode and decode+match under callgrind (Benchmarks/callgrind.sh).
bench-callgrind: bpf
	cd Benchmarks && $(SWIFT) build -c release --product DecodeMatchCount && MAMORI_RULES=$(CURDIR)/rules ./callgrind.sh

build/mamori-workload: bench/workload.c
	@mkdir -p build
	$(CC) -O2 -Wall -o $@ $<

build/mamori-true: bench/true.c
	@mkdir -p build
	$(CC) -O2 -static -o $@ $< 2>/dev/null || $(CC) -O2 -o $@ $<

# The peer sensor for `--peer auditd` (bench only, never for `make test`).
bench-deps:
	@command -v auditctl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends auditd; }

PEER ?= auditd
bench: build mounts bench-deps build/mamori-workload build/mamori-true
	.build/release/mamori-bench $(if $(PEER),--peer $(PEER)) --workload-binary build/mamori-workload --true-binary build/mamori-true \
	  --rules rules --sigma $(or $(SIGMA),../shared/sigma) --svg build/bench/overhead.svg $(BENCH_ARGS)

# ---- Packaging (docs/service.md) -----------------------------------------------------------
# The installed binary is built with the Swift runtime linked in (--static-swift-stdlib), in
# its own scratch directory so it does not fight `make build` over .build/release.
VERSION    ?= $(shell cat VERSION 2>/dev/null || git describe --tags --always 2>/dev/null | sed 's/^v//')
PREFIX     ?= /usr
SBINDIR    ?= $(PREFIX)/sbin
UNITDIR    ?= /lib/systemd/system
SYSCONFDIR ?= /etc
LIBEXECDIR ?= $(PREFIX)/lib/mamori
DESTDIR    ?=
STATIC_DIR := .build-static
STATIC_BIN := $(STATIC_DIR)/release/mamori
STATIC_BENCH_BIN := $(STATIC_DIR)/release/mamori-bench
DEB_ARCH   := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB        := build/mamori_$(VERSION)_$(DEB_ARCH).deb
DEB_DEPS   := libbpf1, libelf1, libsqlite3-0, zlib1g, libstdc++6, libgcc-s1
# True when systemd is the running init (containers and build hosts often have none).
SYSTEMD_RUNNING = test -d /run/systemd/system

static: bpf
	$(SWIFT) build -c release --static-swift-stdlib --scratch-path $(STATIC_DIR) $(SWIFT_FLAGS)
	@if ldd $(STATIC_BIN) | grep -E 'libswift|libFoundation|libdispatch|/opt/swift'; then \
	  echo "error: $(STATIC_BIN) still needs the Swift toolchain's runtime (above)"; exit 1; fi
	@echo "built $(STATIC_BIN) (no Swift runtime dependency)"

# The daemon binary carries none of the benchmark harness or its test support (issue 14):
# no symbol of the MamoriBench or MamoriTestSupport modules in `mamori`; they are in mamori-bench.
# `make link-check BIN=.build-static/release/mamori` checks another build (unstripped).
link-check:
	@bin=$(or $(BIN),.build/debug/mamori); bench=$$(dirname $$bin)/mamori-bench; \
	 n=$$(nm $$bin | grep -cE '11MamoriBench|17MamoriTestSupport' || true); \
	 if [ "$$n" != 0 ]; then echo "error: $$bin links $$n MamoriBench/MamoriTestSupport symbols"; exit 1; fi; \
	 nm $$bench | grep -q '11MamoriBench' || { echo "error: $$bench has no MamoriBench symbols (check is blind)"; exit 1; }; \
	 echo "link OK: $$bin has no MamoriBench/MamoriTestSupport symbols ($$bench has them)"

# Files only (used by install and deb): binary, unit (ExecStart pointed at $(SBINDIR)),
# default config only if absent, the rule pack, state and log directories.
install-files: build/mamori-workload build/mamori-true
	install -D -s -m 0755 $(or $(BIN),$(STATIC_BIN)) $(DESTDIR)$(SBINDIR)/mamori
	# `mamori bench` helpers (found there by BenchCommand when not run from the source tree).
	install -D -s -m 0755 $(or $(BENCH_BIN),$(STATIC_BENCH_BIN)) $(DESTDIR)$(LIBEXECDIR)/mamori-bench
	install -D -m 0755 build/mamori-workload $(DESTDIR)$(LIBEXECDIR)/mamori-workload
	install -D -m 0755 build/mamori-true $(DESTDIR)$(LIBEXECDIR)/mamori-true
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's#/usr/sbin/mamori#$(SBINDIR)/mamori#g' dist/systemd/mamori.service > $(DESTDIR)$(UNITDIR)/mamori.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/mamori.service
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/mamori $(DESTDIR)$(SYSCONFDIR)/mamori/config.d
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/mamori/config.yaml ]; then \
	  echo "keeping existing $(DESTDIR)$(SYSCONFDIR)/mamori/config.yaml (new default: dist/config.yaml)"; \
	else install -m 0640 dist/config.yaml $(DESTDIR)$(SYSCONFDIR)/mamori/config.yaml; fi
	cd rules && find . -name '*.yml' -exec install -D -m 0644 {} $(DESTDIR)$(SYSCONFDIR)/mamori/rules/{} \;
	install -d -m 0750 $(DESTDIR)/var/lib/mamori $(DESTDIR)/var/log/mamori

# `make install` (as root) or `make install DESTDIR=/tmp/root PREFIX=/usr/local`.
# Never needs a running systemd; reloads units only when systemd is PID 1.
install: static install-files
	@if [ -z "$(DESTDIR)" ] && $(SYSTEMD_RUNNING); then systemctl daemon-reload; \
	 echo "installed: systemctl enable --now mamori"; \
	 else echo "installed into $(or $(DESTDIR),/) (systemd not running: no daemon-reload)"; fi

# Removes what install put in place; configuration, store and logs stay (delete by hand).
uninstall:
	@if [ -z "$(DESTDIR)" ] && $(SYSTEMD_RUNNING); then systemctl disable --now mamori.service || true; fi
	rm -f $(DESTDIR)$(SBINDIR)/mamori $(DESTDIR)$(UNITDIR)/mamori.service
	rm -rf $(DESTDIR)$(LIBEXECDIR)
	rm -rf $(DESTDIR)$(SYSCONFDIR)/mamori/rules
	@if [ -z "$(DESTDIR)" ] && $(SYSTEMD_RUNNING); then systemctl daemon-reload; fi
	@echo "kept $(SYSCONFDIR)/mamori/config.yaml, /var/lib/mamori, /var/log/mamori"

# systemd-analyze verify prints problems but exits 0 for unknown keys: any output fails.
# ExecStart must name an existing binary, so the check uses a copy pointing at /bin/true.
verify-unit:
	@command -v systemd-analyze >/dev/null || { echo "systemd-analyze not installed (apt-get install systemd)"; exit 1; }
	@mkdir -p build/unit-check
	sed -e 's#/usr/sbin/mamori#/bin/true#g' dist/systemd/mamori.service > build/unit-check/mamori.service
	@out=$$(systemd-analyze verify build/unit-check/mamori.service 2>&1); \
	 if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; echo "unit OK: dist/systemd/mamori.service"

# build/mamori_<version>_<arch>.deb: /usr/sbin/mamori, the unit, /etc/mamori (conffiles).
deb: static
	rm -rf build/deb && mkdir -p build/deb/root/DEBIAN
	$(MAKE) --no-print-directory install-files DESTDIR=$(CURDIR)/build/deb/root PREFIX=/usr
	cd build/deb/root && find etc -type f | sed 's#^#/#' | sort > DEBIAN/conffiles
	install -m 0755 dist/debian/postinst dist/debian/prerm dist/debian/postrm build/deb/root/DEBIAN/
	printf '%s\n' "Package: mamori" "Version: $(VERSION)" "Architecture: $(DEB_ARCH)" \
	  "Maintainer: Mamori developers <mamori@localhost>" "Section: admin" "Priority: optional" \
	  "Depends: $(DEB_DEPS)" "Installed-Size: $$(du -sk build/deb/root | cut -f1)" \
	  "Homepage: https://github.com/mamori-edr/mamori" \
	  "Description: eBPF-backed EDR sensor for Linux servers" \
	  " Mamori watches exec, network and file activity in the kernel with eBPF, detects" \
	  " attacks with Sigma-compatible rules and keeps a searchable history." \
	  > build/deb/root/DEBIAN/control
	dpkg-deb --root-owner-group --build build/deb/root $(DEB)
	@echo "built $(DEB)"

# make install into a temp DESTDIR with PREFIX=/usr/local: ExecStart follows PREFIX, a second
# install keeps an edited config.yaml, uninstall removes the binary and keeps the config.
install-check: static
	@set -e; root=$$(mktemp -d); trap 'rm -rf "$$root"' EXIT; \
	 $(MAKE) --no-print-directory -s install-files DESTDIR=$$root PREFIX=/usr/local >/dev/null; \
	 grep -q '^ExecStart=/usr/local/sbin/mamori agent$$' $$root/lib/systemd/system/mamori.service; \
	 cmp -s dist/config.yaml $$root/etc/mamori/config.yaml; \
	 echo "# edited by the operator" >> $$root/etc/mamori/config.yaml; \
	 $(MAKE) --no-print-directory -s install-files DESTDIR=$$root PREFIX=/usr/local >/dev/null; \
	 grep -q '^# edited by the operator$$' $$root/etc/mamori/config.yaml; \
	 $$root/usr/local/sbin/mamori config check --config $$root/etc/mamori/config.yaml; \
	 test -d $$root/var/lib/mamori -a -d $$root/var/log/mamori -a -d $$root/etc/mamori/config.d; \
	 $(MAKE) --no-print-directory -s uninstall DESTDIR=$$root PREFIX=/usr/local >/dev/null; \
	 test ! -e $$root/usr/local/sbin/mamori -a ! -e $$root/lib/systemd/system/mamori.service; \
	 test -f $$root/etc/mamori/config.yaml; \
	 echo "install OK: DESTDIR/PREFIX honoured, edited config kept, uninstall clean"

# The package as an operator gets it: unpack into a temp root, run the binary there, check
# the default config it ships, its shared libraries, and the unit.
package-check: deb verify-unit install-check
	@set -e; root=$$(mktemp -d); trap 'rm -rf "$$root"' EXIT; \
	 dpkg-deb --info $(DEB) | grep -q 'Depends: $(DEB_DEPS)'; \
	 dpkg -x $(DEB) "$$root"; \
	 v=$$("$$root/usr/sbin/mamori" --version); echo "mamori --version: $$v"; \
	 test "$$v" = "$(VERSION)" || { echo "VERSION file says $(VERSION): update MamoriVersion in Sources/mamori/Mamori.swift"; exit 1; }; \
	 "$$root/usr/sbin/mamori" config check --config "$$root/etc/mamori/config.yaml"; \
	 test -f "$$root/lib/systemd/system/mamori.service"; \
	 test -n "$$(ls "$$root/etc/mamori/rules")"; \
	 if ldd "$$root/usr/sbin/mamori" | grep -E 'not found|libswift|/opt/swift'; then exit 1; fi; \
	 echo "package OK: $(DEB)"

# libFuzzer targets (Fuzz/, issue 13): built with ASan in their own scratch directory, each run
# for FUZZ_SECONDS on a copy of its committed seed corpus (fuzz/corpus/<target>/) so the
# repository only holds the small seeds. Crashes land in build/fuzz/<target>/ and fail the run.
FUZZ_TARGETS ?= FuzzRecordDecoder FuzzRuleLoader FuzzRegex FuzzConfigLoader FuzzControlProtocol FuzzMetricsRequest FuzzStateFiles \
                FuzzDNSMessage FuzzSegmentDecoder
FUZZ_SECONDS ?= 90
FUZZ_SANITIZERS ?= fuzzer,address
# Leak checking is off by default: swift-corelibs-foundation leaks 4 KiB per empty-file read
# (FileManager.contents), which is not Mamori code (docs/security.md).
FUZZ_DETECT_LEAKS ?= 0
FUZZ_BUILD := .build/fuzz
fuzz-build: bpf
	@mkdir -p $(FUZZ_BUILD)
	@for t in $(FUZZ_TARGETS); do \
	  MAMORI_FUZZ=1 $(SWIFT) build -c debug --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=$(FUZZ_SANITIZERS) \
	    --product $$t 2>&1 | grep -v "Cannot export" | grep -E "error|Build of product" || exit 1; \
	done

fuzz: fuzz-build
	@mkdir -p build/fuzz; : > build/fuzz/summary.txt; status=0; \
	for t in $(FUZZ_TARGETS); do \
	  rm -rf build/fuzz/$$t; mkdir -p build/fuzz/$$t/corpus; cp fuzz/corpus/$$t/* build/fuzz/$$t/corpus/ 2>/dev/null; \
	  dict=""; [ -f fuzz/dict/$$t.dict ] && dict="-dict=fuzz/dict/$$t.dict"; \
	  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=$(FUZZ_DETECT_LEAKS) $(FUZZ_BUILD)/debug/$$t build/fuzz/$$t/corpus $$dict -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -timeout=10 -rss_limit_mb=2048 -detect_leaks=$(FUZZ_DETECT_LEAKS) -print_final_stats=1 -artifact_prefix=build/fuzz/$$t/ \
	    > build/fuzz/$$t/log.txt 2>&1 || status=1; \
	  runs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' build/fuzz/$$t/log.txt | grep -o '[0-9]*$$'); \
	  cov=$$(grep -o 'cov: [0-9]*' build/fuzz/$$t/log.txt | tail -1); \
	  crashes=$$(ls build/fuzz/$$t | grep -c -E '^(crash|leak|timeout|oom)-'); \
	  echo "$$t runs=$${runs:-0} $$cov seconds=$(FUZZ_SECONDS) findings=$$crashes" | tee -a build/fuzz/summary.txt; \
	done; exit $$status

# Rewrites the committed seeds from the targets' built-in seed lists (plus a few pack rules).
fuzz-seeds: fuzz-build
	@for t in $(FUZZ_TARGETS); do MAMORI_FUZZ_EMIT_SEEDS=fuzz/corpus/$$t $(FUZZ_BUILD)/debug/$$t >/dev/null 2>&1; done
	@cp rules/defense_evasion/bpf-program-detached.yml rules/command_and_control/download-chmod-execute-binary.yml \
	    rules/defense_evasion/log-directory-mass-deletion.yml rules/execution/download-piped-to-shell.yml fuzz/corpus/FuzzRuleLoader/
	@cp dist/config.yaml fuzz/corpus/FuzzConfigLoader/dist-config.yaml

clean:
	rm -rf build $(GEN)/mamori.skel.h $(GEN)/floor.skel.h $(GEN)/sockdestroy.skel.h .build $(STATIC_DIR)
