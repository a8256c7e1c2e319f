#!/usr/bin/env bash
# Fetches the guest kernel for `make test-vm`: Debian 12's stock 6.1 cloud kernel (BPF LSM built in,
# kprobes and fentry allowed), unpacked into $VM_DIR/kernel/<release>/. Cached: a rerun with the
# kernel already unpacked touches neither apt nor the network.
#
# In:  VM_DIR (default build/vm), VM_KERNEL_PKG (default: the newest
#      linux-image-6.1.0-*-cloud-amd64-unsigned that apt knows, or the one already cached).
# Out: prints the directory holding vmlinuz, config and lib/modules/<release>/.
set -euo pipefail
VM_DIR=${VM_DIR:-build/vm}
cache="$VM_DIR/kernel"
mkdir -p "$cache"

pkg=${VM_KERNEL_PKG:-}
if [[ -z "$pkg" ]]; then
    # Reuse whatever is cached (newest first) before asking apt.
    cached=$(ls -d "$cache"/*/vmlinuz 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$cached" ]]; then
        dirname "$cached"
        exit 0
    fi
    pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' \
          | awk '{print $1}' | sort -V | tail -n 1)
    if [[ -z "$pkg" ]]; then
        apt-get update -qq
        pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' \
              | awk '{print $1}' | sort -V | tail -n 1)
    fi
    [[ -n "$pkg" ]] || { echo "kernel.sh: no linux-image-6.1.0-*-cloud-amd64-unsigned in apt" >&2; exit 1; }
fi

release=${pkg#linux-image-}
release=${release%-unsigned}
dir="$cache/$release"
if [[ -f "$dir/vmlinuz" ]]; then echo "$dir"; exit 0; fi

echo "kernel.sh: fetching $pkg" >&2
work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get download writes to the current directory (the "unsandboxed as root" note is harmless).
(cd "$work" && apt-get download -q "$pkg") >&2 || {
    apt-get update -qq && (cd "$work" && apt-get download -q "$pkg") >&2
}
dpkg-deb -x "$work"/*.deb "$work/root"
mkdir -p "$work/out/lib/modules"
cp "$work/root/boot/vmlinuz-$release" "$work/out/vmlinuz"
cp "$work/root/boot/config-$release" "$work/out/config"
# Keep the whole module tree (90 MB, uncompressed .ko): rootfs.sh picks the few it needs by name.
mv "$work/root/lib/modules/$release" "$work/out/lib/modules/"
rm -rf "$dir" && mv "$work/out" "$dir"
echo "$dir"
