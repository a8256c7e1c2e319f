import CoreMetrics
import Prometheus
import Synchronization

/// The agent's Prometheus metrics, created through swift-metrics with a
/// `PrometheusMetricsFactory` over one private `PrometheusCollectorRegistry`.
///
/// Exists so that every metric name and label lives in one place (docs/exports.md, "Metrics").
/// Hot-path rule: resolve a handle once (`events(kind:)` etc. memoize by label) and keep it;
/// incrementing a handle is an atomic add, no strings, no allocation. All members may be used
/// from any thread.
public final class MamoriMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over `registry` (durations in microsecond buckets); pass it to
    /// `MetricsSystem.bootstrap` if other libraries should report into the same exposition.
    public let factory: PrometheusMetricsFactory

    /// `mamori_rule_match_duration_seconds` buckets: 1 µs … 10 ms.
    public static let ruleMatchBuckets: [Duration] = [
        .microseconds(1), .microseconds(2), .microseconds(5), .microseconds(10), .microseconds(25),
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .microseconds(2500), .milliseconds(10),
    ]

    public let queueDrops: CoreMetrics.Counter
    public let queueDepth: CoreMetrics.Meter
    public let ruleMatchLatency: CoreMetrics.Timer
    /// Indexed by `AlertSeverity.rawValue`.
    private let alertsBySeverity: [CoreMetrics.Counter]
    private let memo = Mutex<[String: CoreMetrics.Counter]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["mamori_rule_match_duration_seconds"] = Self.ruleMatchBuckets
        factory.defaultDurationHistogramBuckets = Self.ruleMatchBuckets
        self.factory = factory
        queueDrops = CoreMetrics.Counter(label: "mamori_queue_drops_total", factory: factory)
        queueDepth = CoreMetrics.Meter(label: "mamori_queue_depth", factory: factory)
        ruleMatchLatency = CoreMetrics.Timer(label: "mamori_rule_match_duration_seconds", factory: factory)
        alertsBySeverity = AlertSeverity.allCases.map {
            CoreMetrics.Counter(label: "mamori_alerts_total", dimensions: [("severity", $0.word)], factory: factory)
        }
    }

    /// `mamori_events_total{kind}`: resolve once per kind and keep the handle.
    public func events(kind: String) -> CoreMetrics.Counter {
        counter("mamori_events_total", [("kind", kind)])
    }

    /// `mamori_kernel_drops_total{lane}` (lane: "priority", "bulk"): records the kernel could not
    /// put in a ring buffer. Add the delta of the sensor's drop counters.
    public func kernelDrops(lane: String) -> CoreMetrics.Counter {
        counter("mamori_kernel_drops_total", [("lane", lane)])
    }

    /// `mamori_alerts_total{severity}`: pre-created, no lookup.
    public func alerts(_ severity: AlertSeverity) -> CoreMetrics.Counter { alertsBySeverity[severity.rawValue] }

    /// `mamori_actions_total{kind,result}` (kind: kill, kill-tree, freeze, deny-exec, …;
    /// result: done, failed, simulated).
    public func actions(kind: String, result: String) -> CoreMetrics.Counter {
        counter("mamori_actions_total", [("kind", kind), ("result", result)])
    }

    /// `mamori_export_dropped_total{exporter}` / `mamori_export_sent_total` / `_failed_total`.
    public func exporter(_ name: String, _ outcome: ExportOutcome) -> CoreMetrics.Counter {
        counter("mamori_export_\(outcome.rawValue)_total", [("exporter", name)])
    }

    /// Which export counter.
    public enum ExportOutcome: String, Sendable { case sent, dropped, failed }

    /// The text exposition (format 0.0.4) of every metric.
    public func exposition(into buffer: inout [UInt8]) { registry.emit(into: &buffer) }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return memo.withLock { memo in
            if let existing = memo[key] { return existing }
            let made = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            memo[key] = made
            return made
        }
    }
}
