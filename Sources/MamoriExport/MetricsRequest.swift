/// What one HTTP request to the metrics listener asks for, parsed from its raw bytes.
///
/// Exists to keep the parsing of attacker-reachable bytes (any local process, or a network
/// peer when a non-loopback listen is allowed) in one pure function that the server, the unit
/// tests and the fuzzer (`Fuzz/FuzzMetricsRequest`) share. Stateless; any thread.
public enum MetricsRequest: Equatable, Sendable {
    /// The headers are not complete yet (no blank line): read more, up to the size limit.
    case incomplete
    /// `GET`/`HEAD /metrics` (query ignored); `head` is true for HEAD.
    case metrics(head: Bool)
    case badRequest
    case methodNotAllowed
    case notFound

    /// Parses `bytes`, everything received so far on the connection.
    public static func parse(_ bytes: some Collection<UInt8>) -> MetricsRequest {
        guard containsBlankLine(bytes) else { return .incomplete }
        let firstLine = String(decoding: bytes.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = firstLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .badRequest }
        guard parts[0] == "GET" || parts[0] == "HEAD" else { return .methodNotAllowed }
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard path == "/metrics" else { return .notFound }
        return .metrics(head: parts[0] == "HEAD")
    }

    static func containsBlankLine(_ bytes: some Collection<UInt8>) -> Bool {
        var state = 0   // how much of CR LF CR LF has been seen
        for b in bytes {
            switch (state, b) {
            case (0, 0x0D), (2, 0x0D): state += 1
            case (1, 0x0A): state = 2
            case (3, 0x0A): return true
            case (_, 0x0D): state = 1
            default: state = 0
            }
        }
        return false
    }
}
