import Synchronization
import Foundation
import MamoriConfig

/// Holds the running configuration and replaces it on reload (SIGHUP, `mamori reload`) only
/// when the new files validate: a bad file leaves the previous configuration in place and the
/// caller logs the returned errors. Observers added by the lead (prevention, exporters) see
/// each accepted change. Any thread: state is behind a `Mutex`; observers are called outside it.
public final class ConfigurationReloader: Sendable {
    typealias Observer = @Sendable (_ old: MamoriConfiguration, _ new: MamoriConfiguration) -> Void
    private struct State {
        var current: LoadedConfiguration
        var observers: [Observer] = []
    }
    private let state: Mutex<State>

    public init(initial: LoadedConfiguration) { state = Mutex(State(current: initial)) }

    /// The configuration in force.
    public var configuration: LoadedConfiguration { state.withLock { $0.current } }

    /// Called after every accepted reload (not when nothing validated).
    public func onChange(_ observer: @escaping @Sendable (_ old: MamoriConfiguration, _ new: MamoriConfiguration) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Re-reads the same sources; on success swaps the configuration in and tells observers.
    @discardableResult
    public func reload() -> Result<LoadedConfiguration, ConfigError> {
        let sources = configuration.sources
        let result = ConfigLoader.load(sources)
        guard case .success(let fresh) = result else { return result }
        let (old, toNotify) = state.withLock { s -> (MamoriConfiguration, [Observer]) in
            let old = s.current.configuration
            s.current = fresh
            return (old, s.observers)
        }
        for observer in toNotify { observer(old, fresh.configuration) }
        return result
    }

    /// Keys whose new value takes effect only after a restart (ring sizes, store path, ...).
    public static func keysNeedingRestart(old: MamoriConfiguration, new: MamoriConfiguration) -> [String] {
        var out: [String] = []
        if old.sensor != new.sensor { out.append("sensor") }
        if old.store != new.store { out.append("store") }
        if old.alerts != new.alerts { out.append("alerts") }
        if old.rules != new.rules { out.append("rules.directory") }
        if old.control != new.control { out.append("control") }
        // Read once at start by the agent and its companions (encoders, exporters, log level,
        // the baseline engine): only `prevention` and the rules are swapped in live.
        if old.output != new.output { out.append("output") }
        if old.exports != new.exports { out.append("exports") }
        if old.agent != new.agent { out.append("agent") }
        if old.baseline != new.baseline { out.append("baseline") }
        return out
    }
}
