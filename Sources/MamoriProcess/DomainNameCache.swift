import MamoriEvents

/// Remembers which name each address was looked up under, so that a connect following a DNS
/// lookup carries `destination.domain` (`NetworkEvent.destinationDomain`).
///
/// Exists because the kernel sees addresses, while rules and analysts think in names (mining
/// pools, tunnels, OAST services). Two views are kept: the answering process's own (keyed by
/// its process key) and the host's (the latest answer for the address from anyone, which
/// covers resolver daemons and lookups made by a parent shell). The process view wins.
///
/// Hostile input is normal: anyone can make the host resolve many names. The cache is a
/// fixed-capacity LRU (`capacity` entries in total, allocated up front; an entry holds one
/// name ≤ 1020 bytes) with a lifetime per entry of the record's TTL clamped to
/// [`minLifetimeNs`, `maxLifetimeNs`]; each answer costs at most `DNSMessage.maxAnswers` × 2
/// O(1) inserts, each connect two O(1) lookups. A flood evicts older names (least recently
/// used first) but cannot grow memory or cost per event. Names are what the process asked
/// for (the question), not the CNAME target.
///
/// Single-threaded: owned by the pipeline worker, which calls `apply` for every event in ring
/// order (DNS answers and connects share the priority lane, so an answer precedes the connect
/// it caused).
public final class DomainNameCache {
    struct Key: Hashable {
        /// 0/0 = the host view.
        var pid: UInt32
        var startTicks: UInt64
        var address: IPAddress
    }

    public let capacity: Int
    public let minLifetimeNs: UInt64
    public let maxLifetimeNs: UInt64

    private var index: [Key: Int32]
    private var keys: [Key]
    private var names: [String]
    private var insertedNs: [UInt64]
    private var expiresNs: [UInt64]
    private var prev: [Int32]
    private var next: [Int32]
    private var head: Int32 = -1   // most recently used
    private var tail: Int32 = -1   // least recently used
    private var used = 0

    /// Entries evicted before they expired (a flood, or simply a busy host).
    public private(set) var evictions: UInt64 = 0
    /// Connects that got a name.
    public private(set) var hits: UInt64 = 0

    public init(capacity: Int = 8192, minLifetimeNs: UInt64 = 60_000_000_000,
                maxLifetimeNs: UInt64 = 3_600_000_000_000) {
        self.capacity = max(capacity, 2)
        self.minLifetimeNs = minLifetimeNs
        self.maxLifetimeNs = max(maxLifetimeNs, minLifetimeNs)
        let zero = Key(pid: 0, startTicks: 0, address: IPAddress(family: .inet, high: 0, low: 0))
        index = Dictionary(minimumCapacity: self.capacity)
        keys = [Key](repeating: zero, count: self.capacity)
        names = [String](repeating: "", count: self.capacity)
        insertedNs = [UInt64](repeating: 0, count: self.capacity)
        expiresNs = [UInt64](repeating: 0, count: self.capacity)
        prev = [Int32](repeating: -1, count: self.capacity)
        next = [Int32](repeating: -1, count: self.capacity)
    }

    /// Entries held now.
    public var count: Int { used }

    /// Learns from DNS answers and names the destination of connects and sends.
    public func apply(_ event: inout SensorEvent) {
        switch event {
        case .dns(let d):
            learn(d)
        case .network(var n) where n.op == .connect || n.op == .send:
            guard let resolved = lookup(n.destination, for: n.header.processKey, nowNs: n.header.ktimeNs) else { return }
            n.destinationDomain = resolved
            event = .network(n)
        default:
            return
        }
    }

    /// Records the A/AAAA answers of a successful response.
    public func learn(_ d: DNSEvent) {
        guard d.direction == .answer, let m = d.message, m.isResponse, m.responseCode == 0,
              !m.questionName.isEmpty else { return }
        let now = d.header.ktimeNs
        for answer in m.answers {
            guard let address = answer.address else { continue }
            let lifetime = min(max(UInt64(answer.ttl) &* 1_000_000_000, minLifetimeNs), maxLifetimeNs)
            if d.header.tgid != 0 {
                let key = d.header.processKey
                put(Key(pid: key.pid, startTicks: key.startTicks, address: address), m.questionName, now, lifetime)
            }
            put(Key(pid: 0, startTicks: 0, address: address), m.questionName, now, lifetime)
        }
    }

    /// The name `address` was last looked up under by `process`, else by anyone on the host.
    public func lookup(_ address: IPAddress, for process: ProcessKey, nowNs: UInt64) -> ResolvedDomain? {
        if process.pid != 0, let r = find(Key(pid: process.pid, startTicks: process.startTicks, address: address), nowNs) {
            hits &+= 1
            return ResolvedDomain(name: r.0, view: .process, ageNs: r.1)
        }
        if let r = find(Key(pid: 0, startTicks: 0, address: address), nowNs) {
            hits &+= 1
            return ResolvedDomain(name: r.0, view: .host, ageNs: r.1)
        }
        return nil
    }

    // MARK: - LRU

    private func find(_ key: Key, _ now: UInt64) -> (String, UInt64)? {
        guard let slot = index[key] else { return nil }
        let i = Int(slot)
        guard now <= expiresNs[i] else { return nil }
        moveToFront(slot)
        return (names[i], now >= insertedNs[i] ? now - insertedNs[i] : 0)
    }

    private func put(_ key: Key, _ name: String, _ now: UInt64, _ lifetime: UInt64) {
        let slot: Int32
        if let existing = index[key] {
            slot = existing
            unlink(slot)
        } else if used < capacity {
            slot = Int32(used)
            used += 1
            index[key] = slot
        } else {
            slot = tail
            let i = Int(slot)
            if expiresNs[i] >= now { evictions &+= 1 }
            unlink(slot)
            index.removeValue(forKey: keys[i])
            index[key] = slot
        }
        let i = Int(slot)
        keys[i] = key
        names[i] = name
        insertedNs[i] = now
        expiresNs[i] = now &+ lifetime
        pushFront(slot)
    }

    private func unlink(_ slot: Int32) {
        let i = Int(slot)
        let p = prev[i], n = next[i]
        if p >= 0 { next[Int(p)] = n } else if head == slot { head = n }
        if n >= 0 { prev[Int(n)] = p } else if tail == slot { tail = p }
        prev[i] = -1
        next[i] = -1
    }

    private func pushFront(_ slot: Int32) {
        let i = Int(slot)
        prev[i] = -1
        next[i] = head
        if head >= 0 { prev[Int(head)] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private func moveToFront(_ slot: Int32) {
        guard head != slot else { return }
        unlink(slot)
        pushFront(slot)
    }
}
