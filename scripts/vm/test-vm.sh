#!/usr/bin/env bash
# `make test-vm`: the kernel matrix's second kernel. Fetches Debian 12's 6.1 cloud kernel
# (kernel.sh), packs the already-built debug test bundle into an initramfs (rootfs.sh), boots it
# under QEMU with BPF LSM enabled and runs the selected Swift Testing suites there as root with
# CI=true (run.sh). Exits non-zero when the guest's tests fail or the guest does not finish.
# Expects `swift build --build-tests` and the BPF smoke objects to be built (the Makefile does it).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=scripts/vm
export VM_DIR=${VM_DIR:-build/vm}
export PKG_ROOT=$PWD
export BIN_DIR=${BIN_DIR:-$PWD/.build/debug}
mkdir -p "$VM_DIR"

echo "== host: $(uname -r) (this machine: tracepoints + signal-at-exec fallback; see docs/kernel-matrix.md)"
KDIR=$("$here/kernel.sh")
export KDIR
echo "== guest kernel: $KDIR"
"$here/rootfs.sh"
exec "$here/run.sh"
