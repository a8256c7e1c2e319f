import CLibbpf
import CMamoriABI
import Glibc

/// The kernel's per-uid file-record budget (bpf/lib/budget.h): its configuration and the
/// counts of records it suppressed, per uid.
///
/// Exists so the reader can name a uid the kernel throttled (`RingReader` merges the counts
/// into its per-uid reports; the agent raises `mamori.flood`). Single syscalls; any thread.
extension SensorMaps {
    /// Sets the budget: `eventsPerSecond` 0 turns it off.
    public func writeFileBudget(eventsPerSecond: UInt64, burst: UInt64) throws(SensorError) {
        var cfg = mamori_uid_budget_cfg()
        if eventsPerSecond > 0 {
            cfg.ns_per_event = max(1, 1_000_000_000 / eventsPerSecond)
            cfg.cap_ns = cfg.ns_per_event &* max(1, burst)
        }
        var zero: UInt32 = 0
        if bpf_map_update_elem(uidBudgetCfgFD, &zero, &cfg, UInt64(BPF_ANY)) != 0 {
            throw .mapWrite(map: "mamori_uid_budget_cfg", errno: errno)
        }
    }

    /// (uid, records suppressed since the uid's entry was made) for every uid the kernel
    /// suppressed anything of. At most 1024 entries (the LRU's size): one lookup each.
    public func fileBudgetSuppressed(into out: inout [(uid: UInt32, suppressed: UInt64)]) {
        var key: UInt32 = 0
        var next: UInt32 = 0
        var value = mamori_uid_budget()
        var havePrevious = false
        for _ in 0..<1024 {
            let rc = havePrevious ? bpf_map_get_next_key(uidBudgetFD, &key, &next)
                                  : bpf_map_get_next_key(uidBudgetFD, nil, &next)
            guard rc == 0 else { return }
            if bpf_map_lookup_elem(uidBudgetFD, &next, &value) == 0 && value.suppressed > 0 {
                out.append((next, value.suppressed))
            }
            key = next
            havePrevious = true
        }
    }
}
