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
BPF_SRCS   := bpf/process.bpf.c bpf/network.bpf.c bpf/file.bpf.c
BPF_HDRS   := $(wildcard bpf/include/mamori/*.h bpf/lib/*.h)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
              -Wno-default-const-init-var-unsafe -Wno-unknown-warning-option \
              -I$(BUILD) -Ibpf/include -Ibpf
APT_PKGS   := libbpf-dev libelf-dev libsqlite3-dev bpftool zlib1g-dev pkg-config iproute2 curl
SWIFT_FLAGS ?=

.PHONY: all deps mounts bpf build debug run watch test test-unit test-vm vm-deps doctor bench clean

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

bpf: deps $(GEN)/mamori.skel.h $(GEN)/floor.skel.h

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

# The raw event stream, one readable line per kernel event.
watch: build mounts
	.build/release/mamori watch

doctor: build mounts
	.build/release/mamori doctor

# Unit + root integration tests. Under CI=true the root tests fail (never skip) without root/BPF.
test: bpf mounts
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS)

test-unit: bpf
	$(SWIFT) test $(SWIFT_FLAGS) --skip MamoriSensorTests

# The kernel matrix (docs/kernel-matrix.md): boots Debian 12's 6.1 cloud kernel with BPF LSM under
# QEMU (TCG) and runs the root integration suites there. VM_FILTER / VM_SKIP are Swift Testing
# --filter / --skip regexes; the default runs the sensor integration suites (minus the two
# stress tests, far too slow under TCG) and every suite whose name starts with Prevention.
VM_DIR     ?= build/vm
VM_FILTER  ?= SensorIntegration|Prevention
VM_SKIP    ?= ExecBurstTests|MemoryBudgetTests
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
build/mamori-workload: bench/workload.c
	@mkdir -p build
	$(CC) -O2 -Wall -o $@ $<

build/mamori-true: bench/true.c
	@mkdir -p build
	$(CC) -O2 -static -o $@ $< 2>/dev/null || $(CC) -O2 -o $@ $<

bench: build mounts build/mamori-workload build/mamori-true
	.build/release/mamori bench --workload-binary build/mamori-workload --true-binary build/mamori-true \
	  --rules rules --sigma $(or $(SIGMA),../shared/sigma) --svg build/bench/overhead.svg $(BENCH_ARGS)

clean:
	rm -rf build $(GEN)/mamori.skel.h $(GEN)/floor.skel.h .build
