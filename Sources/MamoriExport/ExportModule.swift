/// Namespace of the exporters (docs/exports.md): rotating JSON lines, syslog (RFC 5424),
/// OTLP logs, Prometheus metrics, and the `ExportHub` that fans alerts out to them.
///
/// Threading model shared by every exporter: the caller (the agent's pipeline worker) only
/// ever enqueues into a bounded queue and never blocks; each exporter owns one dedicated
/// background thread (not Swift's cooperative pool) that does the blocking I/O.
public enum ExportModule {}
