#!/usr/bin/env bash
# Boots the `make test-vm` guest under QEMU, streams its serial console to the terminal and to
# $VM_DIR/console.log, and turns the @@MAMORI-VM markers printed by the guest's /init into an exit
# status and a kernel-matrix summary. Fails when the guest's tests fail, when the guest never
# reports (boot failure, panic, hang) or when it does not finish within VM_TIMEOUT seconds.
# The guest has no network device at all (-nic none): it cannot reach the host network.
#
# In:  KDIR, VM_DIR, VM_FILTER / VM_SKIP (Swift Testing --filter / --skip regexes; empty = none),
#      VM_TIMEOUT (seconds, default 900), VM_ACCEL (default tcg), VM_MEM, VM_SMP, VM_SMOKE (1 = run
#      the BPF LSM smoke check before the suites), VM_EXEC (a shell command run in the guest
#      before the suites, from the package root; for investigation).
set -uo pipefail
: "${KDIR:?} ${VM_DIR:?}"
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_ACCEL=${VM_ACCEL:-tcg}
VM_MEM=${VM_MEM:-2G}
VM_SMP=${VM_SMP:-2}
VM_SMOKE=${VM_SMOKE:-1}
# Extra QEMU arguments, split on spaces. `-icount shift=0` makes guest time count instructions
# (1 ns each), so bpf_stats ns/run become load-independent instruction counts (docs/kernel.md).
VM_QEMU_ARGS=${VM_QEMU_ARGS:-}
log="$VM_DIR/console.log"
b64() { printf '%s' "$1" | base64 -w0; }

# no_timer_check: under TCG on a loaded host the IO-APIC timer check at boot can miss its window
# and panic ("IO-APIC + timer doesn't work"); a virtual machine's timer needs no such check.
cmdline="console=ttyS0 panic=-1 loglevel=4 no_timer_check lsm=landlock,lockdown,yama,apparmor,bpf"
cmdline+=" mamori.filter=$(b64 "${VM_FILTER:-}") mamori.skip=$(b64 "${VM_SKIP:-}") mamori.smoke=$(b64 "$VM_SMOKE")"
cmdline+=" mamori.exec=$(b64 "${VM_EXEC:-}")"

started=$(date +%s)
# -no-reboot turns the guest's reboot (and panic=-1's) into QEMU exiting; stdin is not needed, so a
# CI run without a terminal works the same. sed -u (unbuffered, so the console streams live)
# drops the serial console's carriage returns.
timeout --foreground -k 10 "$VM_TIMEOUT" \
    qemu-system-x86_64 -accel "$VM_ACCEL" -cpu max -m "$VM_MEM" -smp "$VM_SMP" $VM_QEMU_ARGS \
        -nographic -serial mon:stdio -no-reboot -nic none \
        -kernel "$KDIR/vmlinuz" -initrd "$VM_DIR/initramfs.cpio" -append "$cmdline" \
        </dev/null 2>&1 | sed -u 's/\r//g' | tee "$log"
qemu_rc=${PIPESTATUS[0]}
elapsed=$(( $(date +%s) - started ))

marker() { sed -n "s/^.*@@MAMORI-VM $1 //p" "$log" | tail -n 1; }
kernel=$(marker kernel)
tests_rc=$(marker tests-exit)
summary=$(grep -E 'Test run with [0-9]+ tests?' "$log" | tail -n 1 | sed 's/^[^A-Za-z]*//')
failed=$(grep -E ' Test .* failed after' "$log" | grep -vc 'Test run with' || true)

echo
echo "======================== kernel matrix ========================"
[[ -n "${VM_HOST_SUMMARY:-}" ]] && echo "host:     $VM_HOST_SUMMARY"
echo "guest:    ${kernel:-<no report>}, exec deny: $(sed -n 's/^ *exec deny mechanism: //p' "$log" | tail -n 1)"
echo "lsm:      $(marker lsm)"
echo "doctor:"
sed -n '/^@@MAMORI-VM doctor-begin/,/^@@MAMORI-VM doctor-end/p' "$log" | grep -v '^@@MAMORI-VM' | sed 's/^/  /'
[[ "$VM_SMOKE" == "1" ]] && echo "lsm smoke: $(marker lsm-smoke) (exit $(marker lsm-smoke-exit))"
echo "filter:   ${VM_FILTER:-<all>}  skip: ${VM_SKIP:-<none>}"
echo "tests:    ${summary:-<no summary>} (exit ${tests_rc:-none})"
echo "elapsed:  ${elapsed}s (qemu exit $qemu_rc; console log: $log)"
echo "=============================================================="

if [[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]]; then
    echo "test-vm: FAILED: the guest did not finish within ${VM_TIMEOUT}s" >&2; exit 1
fi
if ! grep -q '^@@MAMORI-VM done' "$log"; then
    echo "test-vm: FAILED: the guest stopped before reporting (see $log)" >&2; exit 1
fi
if [[ "$VM_SMOKE" == "1" && "$(marker lsm-smoke-exit)" != "0" ]]; then
    echo "test-vm: FAILED: the BPF LSM smoke check failed in the guest" >&2; exit 1
fi
if [[ "$tests_rc" != "0" ]]; then
    echo "test-vm: FAILED: guest tests exited ${tests_rc:-none} ($failed failure lines)" >&2; exit 1
fi
if [[ -z "$summary" || "$summary" =~ with\ 0\ tests ]]; then
    echo "test-vm: FAILED: no test ran in the guest (VM_FILTER matched nothing?)" >&2; exit 1
fi
echo "test-vm: passed on $kernel"
