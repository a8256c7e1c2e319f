import MamoriTestSupport
import Foundation
import Glibc
import MamoriSystem
@testable import MamoriControl


/// A handler with canned answers that records who asked what. Thread-safe.
final class RecordingHandler: ControlHandler, @unchecked Sendable {
    // SAFETY: `seen` and `refused` are only touched with `lock` held.
    private let lock = NSLock()
    private var seen: [(ControlRequest, Peer)] = []
    private var refused: [(ControlOperation, Peer)] = []
    /// Seconds each call sleeps (to hold a connection thread busy).
    let delay: Double

    init(delay: Double = 0) { self.delay = delay }

    var requests: [(ControlRequest, Peer)] { lock.lock(); defer { lock.unlock() }; return seen }
    var denials: [(ControlOperation, Peer)] { lock.lock(); defer { lock.unlock() }; return refused }

    static let level = LevelState(level: 1, levelName: "known-bad", ladder: [
        LevelStep(number: 0, name: "monitor", enables: ["alerts only"]),
        LevelStep(number: 1, name: "known-bad", enables: ["deny lists"])])

    func handle(_ request: ControlRequest, from peer: Peer) -> Result<ControlReply, ControlError> {
        lock.lock(); seen.append((request, peer)); lock.unlock()
        if delay > 0 { usleep(useconds_t(delay * 1_000_000)) }
        switch request {
        case .levelGet: return .success(.level(Self.level))
        case .status:
            return .success(.status(StatusReport(version: "t", uptimeSeconds: 1, pid: getpid(), capabilities: [],
                preventionMechanism: "none", level: Self.level, rulesLoaded: 0, eventsPerSecond: 0,
                kernelDrops: 0, queueDrops: 0, queueDepth: 0, storeSizeBytes: 0)))
        case .levelSet(let a):
            guard case .number(let n) = a.level else { return .failure(ControlError(.badRequest, "unknown level \(a.level)")) }
            return .success(.levelChanged(LevelChange(scope: a.scope ?? .host, previous: 1, previousName: "known-bad",
                                                      level: n, levelName: "n\(n)")))
        case .reload: return .failure(ControlError(.failed, "rules.yaml:3: bad"))
        default: return .failure(ControlError(.unavailable, "not in this test"))
        }
    }

    func denied(_ operation: ControlOperation, peer: Peer, error: ControlError) {
        lock.lock(); refused.append((operation, peer)); lock.unlock()
    }
}

/// A temporary directory (mode 0755, so that `nobody` can reach a socket inside), removed by
/// `remove()`.
struct TempDir {
    let path: String

    init() throws {
        var template = Array("/tmp/mamori-control-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: p)
        chmod(path, 0o755)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A raw client for sending arbitrary bytes (hostile clients). Owned by one test.
final class RawClient {
    let socket: Socket
    var fd: Int32 { socket.rawValue }
    private var reader: LineReader

    init(_ path: String) throws {
        socket = try Socket.connected(to: SocketAddress.unix(path) ?? SocketAddress.unix("/")!, nonBlocking: true, deadline: .after(2))
        reader = LineReader(socket: socket, maxLineBytes: 1 << 20)
    }

    deinit { socket.close() }

    func send(_ text: String) throws {
        try socket.sendAll(Array(text.utf8), deadline: .after(5))
    }

    /// The next response line, decoded; nil if the server closed the connection.
    func response(timeout: Double = 5) throws -> Result<ControlReply, ControlError>? {
        switch try reader.next(until: .after(timeout)) {
        case .endOfStream: return nil
        case .tooLong: throw IOFailure.system(.messageTooLong)
        case .line(let l): return try ControlWire.decodeResponse(l)
        }
    }
}

/// Starts a server on a fresh temp socket, runs `body`, and always stops it and removes the dir.
func withServer(_ configure: (inout ControlServerConfiguration) -> Void = { _ in },
                handler: RecordingHandler = RecordingHandler(),
                _ body: (ControlServer, String) throws -> Void) throws {
    let dir = try TempDir()
    defer { dir.remove() }
    var config = ControlServerConfiguration(socketPath: dir.path + "/control.sock", readGroup: nil)
    configure(&config)
    let server = ControlServer(configuration: config, handler: handler)
    try server.start()
    defer { server.stop() }
    try body(server, config.socketPath)
}
