import Foundation
import Glibc

/// The agent's end of the control channel: a unix socket that answers newline-delimited JSON
/// requests (docs/control.md).
///
/// Exists so that the agent gets parsing, authorisation by peer credentials, bounded reads and
/// alert streaming by implementing `ControlHandler` only. One accept thread plus one thread per
/// connection (at most `maxConnections`), all plain OS threads so a blocking client or handler
/// never occupies Swift's cooperative pool. `start`/`stop` from any one thread; `alerts.publish`
/// from any thread.
public final class ControlServer: @unchecked Sendable {
    // SAFETY: `listenFD`, `wakePipe` and `socketIdentity` are written only by `start()` before
    // any thread is spawned and read-only afterwards; the mutable bookkeeping (`connections`,
    // `stopping`, `acceptRunning`) is only touched with `state` locked.
    public let configuration: ControlServerConfiguration
    /// Where the agent publishes alerts for `alerts.follow` clients.
    public let alerts: AlertBroadcaster
    let authorizer: ControlAuthorizer
    let handler: any ControlHandler

    private var listenFD: Int32 = -1
    private var wakePipe: (read: Int32, write: Int32) = (-1, -1)
    private var socketIdentity: (dev: UInt, ino: UInt)?
    private let state = NSCondition()
    private var connections: Set<Int32> = []
    /// The connections whose peer is not root (they may not take the slots kept for root).
    private var nonRootConnections: Set<Int32> = []
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
        let fd: Int32
        do { fd = try SocketIO.streamSocket() } catch { throw SocketFile.failure("socket", path, error) }
        guard let rc = SocketIO.withAddress(path, { bind(fd, $0, $1) }) else {
            close(fd); throw .pathTooLong(path: path)
        }
        if rc != 0 { let e = errno; close(fd); throw .system(call: "bind", path: path, message: String(cString: strerror(e))) }
        do {
            try SocketFile.setOwnership(path, mode: configuration.socketMode, group: configuration.readGroup)
        } catch {
            close(fd); unlink(path); throw error
        }
        guard listen(fd, 64) == 0 else {
            let e = errno; close(fd); unlink(path)
            throw .system(call: "listen", path: path, message: String(cString: strerror(e)))
        }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            let e = errno; close(fd); unlink(path)
            throw .system(call: "pipe", path: path, message: String(cString: strerror(e)))
        }
        for end in fds { SocketIO.makeNonBlockingCloseOnExec(end) }
        listenFD = fd
        wakePipe = (fds[0], fds[1])
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
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        state.unlock()
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
        alerts.close()
        state.lock()
        let deadline = Date(timeIntervalSinceNow: 5)
        while acceptRunning || !connections.isEmpty {
            if !state.wait(until: deadline) { break }
        }
        state.unlock()
        close(listenFD)
        close(wakePipe.read)
        close(wakePipe.write)
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
        var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
        while true {
            let rc = poll(&fds, 2, -1)
            if rc < 0 { if errno == EINTR { continue }; return }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(listenFD, nil, nil)
            if client < 0 { continue }
            SocketIO.makeNonBlockingCloseOnExec(client)
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
    static func peerUID(_ fd: Int32) -> UInt32? {
        var cred: (Int32, UInt32, UInt32) = (0, 0, 0)
        var len = socklen_t(MemoryLayout<(Int32, UInt32, UInt32)>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0, len >= 12 else { return nil }
        return cred.1
    }

    private func admit(_ client: Int32) {
        let isRoot = Self.peerUID(client) == 0
        state.lock()
        if stopping || !Self.admits(isRoot: isRoot, total: connections.count, nonRoot: nonRootConnections.count,
                                    maxConnections: configuration.maxConnections) {
            let reason = stopping ? "the agent is shutting down"
                : "too many control connections (\(configuration.maxConnections), \(Self.reservedForRoot(maxConnections: configuration.maxConnections)) kept for root): try again"
            state.unlock()
            try? SocketIO.writeLine(client, ControlWire.encode(ControlError(.unavailable, reason)),
                                    until: SocketIO.now() + 0.2)
            close(client)
            return
        }
        connections.insert(client)
        if !isRoot { nonRootConnections.insert(client) }
        state.unlock()
        let thread = Thread { [self] in
            ControlConnection(fd: client, server: self).run()
            state.lock()
            connections.remove(client)
            nonRootConnections.remove(client)
            close(client)
            state.broadcast()
            state.unlock()
        }
        thread.name = "mamori-control-conn"
        thread.start()
    }
}
