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

# The host's side of the matrix, for the summary: which exec deny mechanism doctor picks here.
host_mech=$("$BIN_DIR/mamori" doctor 2>/dev/null | sed -n 's/^ *exec deny mechanism: //p' || true)
export VM_HOST_SUMMARY="$(uname -r), exec deny: ${host_mech:-unknown}"
echo "== host: $VM_HOST_SUMMARY"
KDIR=$("$here/kernel.sh")
export KDIR
echo "== guest kernel: $KDIR"
"$here/rootfs.sh"
exec "$here/run.sh"
