#!/bin/sh
# /init of the `make test-vm` guest (busybox sh; runs as pid 1 from the initramfs).
# Mounts what the sensor and its tests expect on a real host, runs the Swift Testing suites
# selected on the kernel command line, prints `mamori doctor`, reports through the serial console
# with @@MAMORI-VM markers (parsed by scripts/vm/run.sh), and powers off. It never returns: pid 1
# exiting would panic the kernel, and `panic=-1` would then reboot into -no-reboot's exit anyway.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb NO_COLOR=1 CI=true MAMORI_TEST_VM=1
. /etc/mamori-vm.conf   # PKG_ROOT, BIN_DIR, VM_MODULES (written by rootfs.sh)

say() { echo "@@MAMORI-VM $*"; }
finish() {
    sync
    say "done"
    poweroff -f
    sleep 60   # poweroff -f does not return; this only guards against a failed poweroff
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
# /tmp and /run stay on the root file system (already tmpfs, the unpacked initramfs): a tmpfs
# mounted over /tmp would hide the package when it was built under /tmp (CI clones anywhere).
chmod 1777 /tmp /var/tmp
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security
mkdir -p /sys/fs/cgroup && mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
# Hand the usual controllers to child cgroups, as systemd does (tests create their own cgroups).
for c in cpu memory pids io; do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; done
hostname mamori-vm
ip link set lo up
ulimit -l unlimited 2>/dev/null
for m in $VM_MODULES; do insmod "/lib/modules/$(uname -r)/$m" || say "warning: insmod $m failed"; done

# Run parameters from the kernel command line (base64, so any regex survives the cmdline).
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | base64 -d 2>/dev/null; }
FILTER=$(arg mamori.filter)
SKIP=$(arg mamori.skip)
SMOKE=$(arg mamori.smoke)
EXEC=$(arg mamori.exec)

echo   # the firmware leaves terminal escapes on the console's first line
say "kernel $(uname -r)"
say "lsm $(cat /sys/kernel/security/lsm)"
say "cgroup2 /sys/fs/cgroup"

if [ "$SMOKE" = "1" ] && [ -x /usr/local/libexec/mamori-vm/lsm-smoke.sh ]; then
    /usr/local/libexec/mamori-vm/lsm-smoke.sh
    say "lsm-smoke-exit $?"
fi

if [ -n "$EXEC" ]; then   # VM_EXEC: a shell command for investigating the guest by hand
    say "exec-begin"
    (cd "$PKG_ROOT" && sh -c "$EXEC") 2>&1
    say "exec-exit $?"
fi

say "doctor-begin"
"$BIN_DIR/mamori" doctor 2>&1
say "doctor-exit $?"
say "doctor-end"

cd "$PKG_ROOT" || { say "tests-exit 125"; finish; }
set --
[ -n "$FILTER" ] && set -- "$@" --filter "$FILTER"
[ -n "$SKIP" ] && set -- "$@" --skip "$SKIP"
say "tests-begin filter=${FILTER:-<all>} skip=${SKIP:-<none>}"
"$BIN_DIR/MamoriPackageTests.xctest" --testing-library swift-testing "$@" 2>&1
rc=$?
say "tests-exit $rc"
finish
