import Foundation
import Glibc
import MamoriSystem

/// The agent's end of the control channel: a unix socket that answers newline-delimited JSON
/// requests (docs/control.md).
///
/// Exists so that the agent gets parsing, authorisation by peer credentials, bounded reads and
/// alert streaming by implementing `ControlHandler` only. One accept thread plus one thread per
/// connection (at most `maxConnections`), all plain OS threads so a blocking client or handler
/// never occupies Swift's cooperative pool. `start`/`stop` from any one thread; `alerts.publish`
/// from any thread.
public final class ControlServer: @unchecked Sendable {
    // SAFETY: `listener`, `wakePipe` and `socketIdentity` are written only by `start()` before
    // any thread is spawned and read-only afterwards; the mutable bookkeeping (`connections`,
    // `stopping`, `acceptRunning`) is only touched with `state` locked.
    public let configuration: ControlServerConfiguration
    /// Where the agent publishes alerts for `alerts.follow` clients.
    public let alerts: AlertBroadcaster
    let authorizer: ControlAuthorizer
    let handler: any ControlHandler

    private var listener = Socket(rawValue: -1)
    private var wakePipe = (read: FileDescriptor(rawValue: -1), write: FileDescriptor(rawValue: -1))
    private var socketIdentity: (dev: UInt, ino: UInt)?
    private let state = NSCondition()
    private var connections: Set<Socket> = []
    /// The connections whose peer is not root (they may not take the slots kept for root).
    private var nonRootConnections: Set<Socket> = []
    private var stopping = false
    private var acceptRunning = false
    private var started = false

    public init(configuration: ControlServerConfiguration, handler: any ControlHandler) {
        self.configuration = configuration
        self.handler = handler
        self.alerts = AlertBroadcaster(capacity: configuration.followerQueueCapacity)
        self.authorizer = ControlAuthorizer(readGroup: configuration.readGroup, socketPath: configuration.socketPath)
    }

    // No deinit: the accept thread holds the server until `stop()` is called.

    /// Creates the socket (parent directory 0755, socket `socketMode` root:`readGroup`), removing a
    /// stale socket left by a dead agent, and starts accepting.
    /// - Throws: `ControlServerError.alreadyRunning` if another agent answers on the path; nothing
    ///   at the path is touched in that case.
    public func start() throws(ControlServerError) {
        precondition(!started, "ControlServer.start() called twice")
        let path = configuration.socketPath
        try SocketFile.prepare(path)
        guard let address = SocketAddress.unix(path) else { throw .pathTooLong(path: path) }
        let socket: Socket
        do { socket = try Socket.open(family: AF_UNIX, .stream, nonBlocking: true) } catch {
            throw SocketFile.failure("socket", path, error)
        }
        do { try socket.bind(to: address) } catch {
            socket.close(); throw SocketFile.failure("bind", path, error)
        }
        do {
            try SocketFile.setOwnership(path, mode: configuration.socketMode, group: configuration.readGroup)
        } catch {
            socket.close(); unlink(path); throw error
        }
        do { try socket.listen(backlog: 64) } catch {
            socket.close(); unlink(path); throw SocketFile.failure("listen", path, error)
        }
        let pipe: (readEnd: FileDescriptor, writeEnd: FileDescriptor)
        do { pipe = try FileDescriptor.pipe() } catch {
            socket.close(); unlink(path)
            throw .system(call: "pipe", path: path, message: "\(error)")
        }
        for end in [pipe.readEnd, pipe.writeEnd] {
            try? Socket(end).setNonBlocking(true)
            try? Socket(end).setCloseOnExec()
        }
        listener = socket
        wakePipe = (pipe.readEnd, pipe.writeEnd)
        socketIdentity = SocketFile.identity(path)
        started = true
        acceptRunning = true
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "mamori-control"
        thread.start()
    }

    /// Stops accepting, ends every connection (followers included), waits for their threads (at
    /// most a few seconds for a handler still working) and removes the socket if it is still ours.
    public func stop() {
        state.lock()
        guard started, !stopping else { state.unlock(); return }
        stopping = true
        for connection in connections { connection.shutdown() }
        state.unlock()
        try? wakePipe.write.writeAll([1])
        alerts.close()
        state.lock()
        let deadline = Date(timeIntervalSinceNow: 5)
        while acceptRunning || !connections.isEmpty {
            if !state.wait(until: deadline) { break }
        }
        state.unlock()
        listener.close()
        try? wakePipe.read.close()
        try? wakePipe.write.close()
        if let id = socketIdentity, SocketFile.identity(configuration.socketPath).map({ $0 == id }) == true {
            unlink(configuration.socketPath)
        }
    }

    /// Connections open now (followers included).
    public var connectionCount: Int {
        state.lock(); defer { state.unlock() }
        return connections.count
    }

    // MARK: accept thread

    private func acceptLoop() {
        defer {
            state.lock(); acceptRunning = false; state.broadcast(); state.unlock()
        }
        while true {
            guard let ready = try? Poll.wait([listener.descriptor, wakePipe.read], for: .readable, until: .never) else { return }
            if ready.index == 1 { return }
            guard ready.events.contains(.readable), let client = try? listener.accept() else { continue }
            admit(client)
        }
    }

    /// Slots only root may take: read-group members cannot hold every connection and lock root out.
    public static func reservedForRoot(maxConnections: Int) -> Int { maxConnections <= 1 ? 0 : max(1, maxConnections / 4) }

    /// Whether a new connection fits: any peer up to the limit minus the root reserve, root up to the limit.
    public static func admits(isRoot: Bool, total: Int, nonRoot: Int, maxConnections: Int) -> Bool {
        guard total < maxConnections else { return false }
        return isRoot || nonRoot < maxConnections - reservedForRoot(maxConnections: maxConnections)
    }

    /// The peer's uid (SO_PEERCRED); nil if the kernel does not say (treated as not root).
    static func peerUID(_ socket: Socket) -> UInt32? { socket.peerCredentials()?.uid }

    private func admit(_ client: Socket) {
        let isRoot = Self.peerUID(client) == 0
        state.lock()
        if stopping || !Self.admits(isRoot: isRoot, total: connections.count, nonRoot: nonRootConnections.count,
                                    maxConnections: configuration.maxConnections) {
            let reason = stopping ? "the agent is shutting down"
                : "too many control connections (\(configuration.maxConnections), \(Self.reservedForRoot(maxConnections: configuration.maxConnections)) kept for root): try again"
            state.unlock()
            try? client.writeLine(ControlWire.encode(ControlError(.unavailable, reason)), until: .after(0.2))
            client.close()
            return
        }
        connections.insert(client)
        if !isRoot { nonRootConnections.insert(client) }
        state.unlock()
        let thread = Thread { [self] in
            ControlConnection(socket: client, server: self).run()
            state.lock()
            connections.remove(client)
            nonRootConnections.remove(client)
            client.close()
            state.broadcast()
            state.unlock()
        }
        thread.name = "mamori-control-conn"
        thread.start()
    }
}
