import Foundation
import MamoriControl
import MamoriDetection

/// Figures the worker publishes for other threads (`mamori status`, simulate's rule lookup):
/// counters, rates, the last alert, the rules in force.
///
/// Exists so the control socket never touches worker-owned state: the worker writes a fresh
/// copy about once a second (and on reload/alert), readers take a copy under the lock.
/// Thread-safe.
public final class AgentLiveState: @unchecked Sendable {
    // SAFETY: all stored properties are accessed with `lock` held.
    private let lock = NSLock()
    private var statsValue = LiveStats()
    private var rulesValue: [String: RuleMetadata] = [:]
    private var lastAlertValue: AlertNotice?

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

    public var stats: LiveStats { lock.lock(); defer { lock.unlock() }; return statsValue }
    public var rules: [String: RuleMetadata] { lock.lock(); defer { lock.unlock() }; return rulesValue }
    public var lastAlert: AlertNotice? { lock.lock(); defer { lock.unlock() }; return lastAlertValue }

    func update(_ s: LiveStats) { lock.lock(); statsValue = s; lock.unlock() }
    func setRules(_ r: CompiledRuleSet) {
        var index: [String: RuleMetadata] = [:]
        for m in r.rules { index[m.id] = m }
        lock.lock(); rulesValue = index; lock.unlock()
    }
    func setLastAlert(_ a: AlertNotice) { lock.lock(); lastAlertValue = a; lock.unlock() }
}
