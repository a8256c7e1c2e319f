import Synchronization
import Foundation
import MamoriDetection

/// The host context detection is judged against: `detection.local_networks` and the
/// configured DNS servers (/etc/resolv.conf), built at start and again on every reload.
///
/// Exists so a reload can hand new values from the control/signal thread to the pipeline
/// worker (which alone owns the engine) without a lock on the hot path: the reloading thread
/// stores the networks here, the worker builds the context when it runs its reload. Any thread.
public final class HostContext: Sendable {
    private let localNetworks: Mutex<[String]>
    let resolvConfPath: String

    public init(localNetworks: [String], resolvConfPath: String = "/etc/resolv.conf") {
        self.localNetworks = Mutex(localNetworks)
        self.resolvConfPath = resolvConfPath
    }

    /// A validated `detection.local_networks` from an accepted configuration reload.
    public func setLocalNetworks(_ cidrs: [String]) { localNetworks.withLock { $0 = cidrs } }

    /// Builds the context; `log` hears about anything that could not be used (the previous
    /// or default value is kept for it).
    func build(log: (String) -> Void) -> (LocalNetworks, ResolverList) {
        let cidrs = localNetworks.withLock { $0 }
        var networks = LocalNetworks()
        do { networks = try LocalNetworks(cidrs: cidrs) } catch {
            log("detection.local_networks: \(error); using the default \(LocalNetworks.defaultCIDRs)")
        }
        let resolvers = ResolverList.read(path: resolvConfPath) ?? ResolverList()
        if resolvers.addresses.isEmpty {
            log("no nameserver in \(resolvConfPath): every DNS server counts as not configured")
        }
        return (networks, resolvers)
    }
}
