import MamoriStore
import Synchronization

/// What crosses between the control socket's threads and the pipeline worker for baselines:
/// operator resets going in, the latest profile headers coming out.
///
/// Exists because the engine belongs to the worker alone: a reset is queued here and carried
/// out at the worker's next tick; the control handler answers from the published headers
/// (at most one tick old). Thread-safe (one mutex, held only to copy).
public final class BaselineMailbox: Sendable {
    private struct State {
        var resets: [String] = []
        var published: [String: BaselineProfileRow] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Queues a reset; returns the profile's header as last published, nil when unknown.
    public func requestReset(_ profile: String) -> BaselineProfileRow? {
        state.withLock { s in
            guard let row = s.published[profile] else { return nil }
            s.resets.append(profile)
            s.published[profile] = nil
            return row
        }
    }

    /// The headers as last published by the worker, by name.
    public var profiles: [BaselineProfileRow] {
        state.withLock { $0.published.values.sorted { $0.profile < $1.profile } }
    }

    /// Worker: takes the queued resets.
    public func takeResets() -> [String] {
        state.withLock { s in
            guard !s.resets.isEmpty else { return [] }
            defer { s.resets.removeAll() }
            return s.resets
        }
    }

    /// Worker: publishes the current headers.
    public func publish(_ rows: [BaselineProfileRow]) {
        var map: [String: BaselineProfileRow] = [:]
        for r in rows { map[r.profile] = r }
        state.withLock { $0.published = map }
    }
}
