import CLibbpf
import CMamoriABI
import Glibc
import Synchronization

/// Keeps the `mamori_config` map at the value the agent means it to have.
///
/// Exists because any root process can rewrite a BPF map by id: writing another tgid into
/// `self_tgid` makes that process unreported and unkillable, clearing flags switches hooks or
/// enforcement off. Every agent write of the config goes through `write` (which records the
/// intended value, so read-modify-write callers build on it, never on a tampered kernel
/// copy); `verify` reads the map back, and when it differs rewrites the intended value and
/// returns what had changed, for a tamper alert. Shared by `SensorMaps` and `PolicyMaps`;
/// any thread (one lock, single-syscall map operations).
public final class ConfigGuard: Sendable {
    let configFD: Int32
    private let intended = Mutex<mamori_config?>(nil)

    init(configFD: Int32) { self.configFD = configFD }

    /// What one verification found: the kernel's value and the agent's, before the rewrite.
    public struct Drift: Sendable, CustomStringConvertible {
        public var found: mamori_config
        public var intended: mamori_config
        /// Whether the intended value is back in the map.
        public var restored: Bool

        /// The fields that differ, as "name found→intended".
        public var changes: [String] {
            var out: [String] = []
            if found.self_tgid != intended.self_tgid { out.append("self_tgid \(found.self_tgid)→\(intended.self_tgid)") }
            if found.flags != intended.flags { out.append("flags 0x\(String(found.flags, radix: 16))→0x\(String(intended.flags, radix: 16))") }
            if found.host_level != intended.host_level { out.append("host_level \(found.host_level)→\(intended.host_level)") }
            if found.wake_bytes != intended.wake_bytes || found.wake_delay_ns != intended.wake_delay_ns {
                out.append("wakeup batching")
            }
            if found.udp_flow_ttl_ns != intended.udp_flow_ttl_ns { out.append("udp_flow_ttl_ns \(found.udp_flow_ttl_ns)→\(intended.udp_flow_ttl_ns)") }
            return out.isEmpty ? ["padding"] : out
        }

        public var description: String {
            "mamori_config changed by another process (\(changes.joined(separator: ", "))); " + (restored ? "restored" : "restore failed")
        }
    }

    /// The value the agent last wrote; the kernel's copy until the agent wrote one.
    func current() -> mamori_config {
        if let cfg = intended.withLock({ $0 }) { return cfg }
        return readKernel()
    }

    func readKernel() -> mamori_config {
        var cfg = mamori_config()
        var zero: UInt32 = 0
        _ = bpf_map_lookup_elem(configFD, &zero, &cfg)
        return cfg
    }

    /// Record `cfg` as intended and write it to the kernel.
    func write(_ cfg: mamori_config) throws(SensorError) {
        let failed: Int32? = intended.withLock { slot in
            slot = cfg
            var value = cfg
            var zero: UInt32 = 0
            return bpf_map_update_elem(configFD, &zero, &value, UInt64(BPF_ANY)) == 0 ? nil : errno
        }
        if let failed { throw .mapWrite(map: "mamori_config_map", errno: failed) }
    }

    /// Compares the kernel's copy with the intended value; on a difference rewrites it.
    /// Nil when they agree or the agent has not written a value yet.
    public func verify() -> Drift? {
        intended.withLock { slot -> Drift? in
            guard let want = slot else { return nil }
            var found = mamori_config()
            var zero: UInt32 = 0
            guard bpf_map_lookup_elem(configFD, &zero, &found) == 0 else { return nil }
            let same = withUnsafeBytes(of: found) { a in withUnsafeBytes(of: want) { b in a.elementsEqual(b) } }
            if same { return nil }
            var value = want
            let restored = bpf_map_update_elem(configFD, &zero, &value, UInt64(BPF_ANY)) == 0
            return Drift(found: found, intended: want, restored: restored)
        }
    }
}
