import Synchronization
import Foundation
import MamoriControl
import MamoriDetection

/// Figures the worker publishes for other threads (`mamori status`, simulate's rule lookup):
/// counters, rates, the last alert, the rules in force.
///
/// Exists so the control socket never touches worker-owned state: the worker writes a fresh
/// copy about once a second (and on reload/alert), readers take a copy under the lock.
/// Thread-safe.
public final class AgentLiveState: Sendable {
    private struct Published {
        var stats = LiveStats()
        var rules: [String: RuleMetadata] = [:]
        var lastAlert: AlertNotice?
    }
    private let published = Mutex(Published())

    /// Counters for `mamori status`.
    public struct LiveStats: Sendable {
        public var events: UInt64 = 0
        public var alerts: UInt64 = 0
        public var eventsPerSecond: Double = 0
        public var kernelDrops: UInt64 = 0
        public var queueDrops: UInt64 = 0
        public var queueDepth: Int = 0
        public var storeDrops: UInt64 = 0
    }

    public init() {}

    public var stats: LiveStats { published.withLock { $0.stats } }
    public var rules: [String: RuleMetadata] { published.withLock { $0.rules } }
    public var lastAlert: AlertNotice? { published.withLock { $0.lastAlert } }

    func update(_ s: LiveStats) { published.withLock { $0.stats = s } }
    func setRules(_ r: CompiledRuleSet) {
        var index: [String: RuleMetadata] = [:]
        for m in r.rules { index[m.id] = m }
        published.withLock { $0.rules = index }
    }
    func setLastAlert(_ a: AlertNotice) { published.withLock { $0.lastAlert = a } }
}
