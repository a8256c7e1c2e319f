#!/usr/bin/env bash
# Builds the initramfs of the `make test-vm` guest: busybox for /init and the usual tools, the
# host's own coreutils/dash for the commands tests exec (so behaviour matches the host), the Swift
# test bundle and the `mamori` binary with every shared library ldd finds (kept at their host
# paths, so RPATHs and the loader work unchanged), the package's tracked files at the same
# absolute path as on the host (tests find fixtures through #filePath), and a few kernel modules.
# Everything lives in one uncompressed cpio: the kernel unpacks it with memcpy, and TCG is much
# slower at gunzip than the host is at reading 200 MB.
#
# In:  KDIR (from kernel.sh), VM_DIR, BIN_DIR (absolute; .build/debug), PKG_ROOT (absolute),
#      VM_MODULES (module names, dependencies added from modules.dep), VM_TOOLS (host commands).
# Out: $VM_DIR/initramfs.cpio; rebuilt only when an input changed (stamp of names, sizes, mtimes).
set -euo pipefail
: "${KDIR:?} ${VM_DIR:?} ${BIN_DIR:?} ${PKG_ROOT:?}"
VM_MODULES=${VM_MODULES:-veth}
VM_TOOLS=${VM_TOOLS:-sh dash bash echo true false cat sleep mv cp rm chmod chown ln mkdir rmdir \
touch ls env id kill printf head tail wc stat readlink sync timeout nohup setsid tee sed grep \
dd mktemp chgrp nproc uname bpftool ip unshare nsenter setpriv mount umount awk sort killall}
# python3 (stdlib, no site packages): the stand-in attackers, peers and DNS server of the
# tamper, isolation, activity and dns suites are python3 scripts. VM_PYTHON= leaves it out.
VM_PYTHON=${VM_PYTHON-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
out="$VM_DIR/initramfs.cpio"
stage="$VM_DIR/root"
release=$(basename "$(ls -d "$KDIR"/lib/modules/*)")
test_bin="$BIN_DIR/MamoriPackageTests.xctest"
mamori_bin="$BIN_DIR/mamori"
for f in "$test_bin" "$mamori_bin" /bin/busybox; do
    [[ -x "$f" ]] || { echo "rootfs.sh: missing $f (run swift build --build-tests / make deps)" >&2; exit 1; }
done

# --- cache: skip when nothing that goes into the image changed --------------------------------
tracked=$(cd "$PKG_ROOT" && git ls-files)
stamp=$( { echo "$VM_MODULES|$VM_TOOLS|$VM_PYTHON|$KDIR"
           (cd "$PKG_ROOT" && stat -c '%n %s %Y' $tracked 2>/dev/null || true)
           stat -c '%n %s %Y' "$test_bin" "$mamori_bin" "$here"/* "$VM_DIR"/lsm-smoke.bpf.o "$VM_DIR"/lsm-smoke 2>/dev/null || true
         } | sha256sum | cut -d' ' -f1)
if [[ -f "$out" && "$(cat "$out.stamp" 2>/dev/null)" == "$stamp" ]]; then
    echo "rootfs.sh: $out is up to date" >&2
    exit 0
fi

rm -rf "$stage"
mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc,root,proc,sys,dev,tmp,run,mnt,var/tmp}
# Merged /usr, like Debian 12: /bin, /sbin, /lib, /lib64 are links into /usr.
for d in bin sbin lib lib64; do ln -s "usr/$d" "$stage/$d"; done

# Copies one file to the same path inside the stage; a symlink is kept as a link and its
# target copied too (so /bin/sh stays a link to dash).
put() {
    local src=$1 dst="$stage$1"
    [[ -e "$dst" || -L "$dst" ]] && return 0
    mkdir -p "$(dirname "$dst")"
    if [[ -L "$src" ]]; then
        cp -P "$src" "$dst"
        # One hop at a time, so a chain (/usr/bin/awk -> /etc/alternatives/awk -> mawk) stays whole.
        local target; target=$(readlink "$src")
        [[ "$target" == /* ]] || target="$(cd "$(dirname "$src")" && pwd -P)/$target"
        put "$target"
    else
        cp "$src" "$dst"
    fi
}
# Copies an ELF and every library the loader resolves for it.
put_elf() {
    put "$1"
    { ldd "$1" 2>/dev/null || true; } | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' | while read -r lib; do
        put "$lib"
    done
}

# Host tools first, then busybox fills in every command still missing (mount, ip, insmod, ...).
for t in $VM_TOOLS; do
    p=$(type -P "$t" || true)   # the file on PATH, never a shell builtin (true, echo, kill)
    [[ -n "$p" ]] && put_elf "$p"
done
put_elf /bin/busybox
/bin/busybox --list-full | while read -r applet; do
    [[ -e "$stage/$applet" || -L "$stage/$applet" ]] || { mkdir -p "$stage/$(dirname "$applet")"; ln -s /bin/busybox "$stage/$applet"; }
done

# python3 and its standard library (minus the parts no test imports: the static libpython,
# tkinter, idle, 2to3, docs), with the libraries its extension modules link.
if [[ -n "$VM_PYTHON" && -x "$VM_PYTHON" ]]; then
    put_elf "$VM_PYTHON"
    pystd=$("$VM_PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    abs_stage=$(cd "$stage" && pwd)
    (cd / && find "${pystd#/}" \( -name 'config-3*' -o -name tkinter -o -name idlelib -o -name lib2to3 \
        -o -name pydoc_data -o -name ensurepip -o -name turtledemo -o -name test \) -prune -o -print \
        | cpio -pdm --quiet "$abs_stage")
    for so in "$pystd"/lib-dynload/*.so; do
        { ldd "$so" 2>/dev/null || true; } | awk '/=> \//{print $3}' | while read -r lib; do put "$lib"; done
    done
fi

# The test bundle and the CLI at their host paths, debug info stripped (it is most of their size).
mkdir -p "$stage$BIN_DIR"
for b in "$test_bin" "$mamori_bin"; do
    strip --strip-debug -o "$stage$b" "$b"
    { ldd "$b" || true; } | awk '/=> \//{print $3} /^\t\/[^ ]+ \(/{print $1}' | while read -r lib; do put "$lib"; done
done
# The package's tracked files (rules, fixtures, sources that #filePath points into) and the built
# BPF objects (for bpftool checks through VM_EXEC).
(cd "$PKG_ROOT" && { printf '%s\n' $tracked; ls build/bpf/*.o 2>/dev/null || true; } \
    | cpio -pdm --quiet "$stage$PKG_ROOT")

# Kernel modules by name, each after its dependencies. The .deb ships no modules.dep (depmod
# makes it at install time), so dependencies come from each module's own .modinfo "depends=".
mdir="$KDIR/lib/modules/$release"
load=()
add_module() {
    local name=$1 ko rel d
    ko=$(find "$mdir/kernel" \( -name "$name.ko" -o -name "${name//_/-}.ko" \) -print -quit)
    [[ -n "$ko" ]] || { echo "rootfs.sh: no module $name in $release" >&2; exit 1; }
    rel=${ko#"$mdir/"}
    [[ " ${load[*]} " == *" $rel "* ]] && return 0
    for d in $(objcopy -O binary -j .modinfo "$ko" /dev/stdout | tr '\0' '\n' \
               | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_module "$d"
    done
    load+=("$rel")
    mkdir -p "$stage/lib/modules/$release/$(dirname "$rel")"
    cp "$ko" "$stage/lib/modules/$release/$rel"
}
for m in $VM_MODULES; do add_module "$m"; done

# Users and groups for name lookups (no shadow file), and the guest's configuration.
cp /etc/passwd /etc/group "$stage/etc/"
echo "127.0.0.1 localhost mamori-vm" > "$stage/etc/hosts"
echo "::1 localhost ip6-localhost" >> "$stage/etc/hosts"
cat > "$stage/etc/mamori-vm.conf" <<CONF
PKG_ROOT='$PKG_ROOT'
BIN_DIR='$BIN_DIR'
VM_MODULES='${load[*]}'
CONF
cp "$here/init.sh" "$stage/init"
mkdir -p "$stage/usr/local/libexec/mamori-vm"
if [[ -f "$VM_DIR/lsm-smoke.bpf.o" && -x "$VM_DIR/lsm-smoke" ]]; then
    cp "$VM_DIR/lsm-smoke.bpf.o" "$VM_DIR/lsm-smoke" "$here/lsm-smoke.sh" "$stage/usr/local/libexec/mamori-vm/"
    { ldd "$VM_DIR/lsm-smoke" || true; } | awk '/=> \//{print $3}' | while read -r lib; do put "$lib"; done
fi

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$stamp" > "$out.stamp"
echo "rootfs.sh: $out $(du -h "$out" | cut -f1)" >&2
