/// Exponential backoff with a ceiling, for reconnects and retries.
///
/// Exists so that every transport backs off the same way: `initial`, doubling to `maximum`,
/// reset after a success. Value type owned by one exporter thread.
struct Backoff: Sendable {
    let initial: Double
    let maximum: Double
    private(set) var next: Double

    init(initial: Double = 0.1, maximum: Double = 30) {
        self.initial = initial; self.maximum = maximum; next = initial
    }

    /// The delay to wait now; doubles the following one.
    mutating func advance() -> Double {
        let d = next
        next = min(maximum, next * 2)
        return d
    }

    mutating func reset() { next = initial }
}
