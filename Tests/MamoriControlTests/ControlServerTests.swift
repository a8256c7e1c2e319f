import MamoriSystem
import Foundation
import Glibc
import Testing
@testable import MamoriControl

/// The server over a real unix socket: requests, hostile clients, streaming, concurrency,
/// socket life cycle. Runs as any user (the peer is this process).
@Suite(.serialized) struct ControlServerTests {
    @Test func answersRequestsAndPassesThePeer() throws {
        let handler = RecordingHandler()
        try withServer(handler: handler) { (_, path) throws in
            let client = ControlClient(socketPath: path, timeout: 5)
            #expect(try client.call(.levelGet) == .level(RecordingHandler.level))
            let change = try client.call(.levelSet(LevelSetRequest(level: .number(3), scope: .unit("a.service"))))
            #expect(change == .levelChanged(LevelChange(scope: .unit("a.service"), previous: 1, previousName: "known-bad",
                                                        level: 3, levelName: "n3")))
            #expect {
                _ = try client.call(.reload)
            } throws: { ($0 as? ControlClientError) == .agent(ControlError(.failed, "rules.yaml:3: bad")) }
            let peer = try #require(handler.requests.first?.1)
            #expect(peer.pid == getpid())
            #expect(peer.uid == getuid())
            #expect(peer.gid == getgid())
            #expect(!peer.comm.isEmpty && peer.comm != "?")
        }
    }

    @Test func malformedLinesGetBadRequestAndTheConnectionKeepsServing() throws {
        try withServer { (_, path) throws in
            let raw = try RawClient(path)
            try raw.send("this is not json\n{\"v\":1,\"op\":\"frobnicate\"}\n\n{\"v\":1,\"op\":\"level.get\"}\n")
            guard case .failure(let e1)? = try raw.response() else { Issue.record("no error"); return }
            #expect(e1.code == .badRequest && e1.message.contains("not valid JSON"))
            guard case .failure(let e2)? = try raw.response() else { Issue.record("no error"); return }
            #expect(e2.code == .badRequest && e2.message.contains("unknown op 'frobnicate'"))
            #expect(try raw.response() == .success(.level(RecordingHandler.level)))
        }
    }

    @Test func oversizedLineGetsBadRequestAndOthersAreStillServed() throws {
        try withServer({ $0.maxLineBytes = 1024 }) { (_, path) throws in
            let raw = try RawClient(path)
            try raw.send(String(repeating: "x", count: 10_000))
            guard case .failure(let e)? = try raw.response() else { Issue.record("no error"); return }
            #expect(e.code == .badRequest)
            #expect(e.message.contains("longer than 1024 bytes"))
            #expect(try raw.response() == nil, "connection closed after an oversized line")
            #expect(try ControlClient(socketPath: path, timeout: 5).call(.levelGet) == .level(RecordingHandler.level))
        }
    }

    @Test func silentClientDoesNotBlockOthersAndIsDroppedAfterTheTimeout() throws {
        try withServer({ $0.requestTimeout = 1 }) { (server, path) throws in
            let silent = try RawClient(path)
            let partial = try RawClient(path)
            try partial.send("{\"v\":1,\"op\":")   // never finishes the line
            for _ in 0..<5 {
                #expect(try ControlClient(socketPath: path, timeout: 5).call(.levelGet) == .level(RecordingHandler.level))
            }
            guard case .failure(let e)? = try silent.response(timeout: 10) else { Issue.record("not dropped"); return }
            #expect(e.code == .badRequest && e.message.contains("no complete request line"))
            #expect(try silent.response() == nil)
            guard case .failure(let e2)? = try partial.response(timeout: 10) else { Issue.record("not dropped"); return }
            #expect(e2.code == .badRequest)
            _ = server
        }
    }

    @Test func connectionLimitAnswersUnavailable() throws {
        try withServer({ $0.maxConnections = 2; $0.requestTimeout = 5 }) { (server, path) throws in
            let a = try RawClient(path), b = try RawClient(path)
            try a.send("{\"v\":1,\"op\":\"level.get\"}\n")
            try b.send("{\"v\":1,\"op\":\"level.get\"}\n")
            _ = try a.response(); _ = try b.response()
            #expect(server.connectionCount == 2)
            let c = try RawClient(path)
            guard case .failure(let e)? = try c.response() else { Issue.record("third connection served"); return }
            #expect(e.code == .unavailable && e.message.contains("too many control connections"))
            withExtendedLifetime((a, b)) {}
        }
    }

    @Test func concurrentClientsAllGetTheirOwnAnswers() throws {
        let handler = RecordingHandler(delay: 0.01)
        try withServer(handler: handler) { (_, path) throws in
            let failures = Counter()
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                let client = ControlClient(socketPath: path, timeout: 10)
                for i in 0..<10 {
                    let n = worker * 10 + i
                    let reply = try? client.call(.levelSet(LevelSetRequest(level: .number(n % 100))))
                    guard case .levelChanged(let c)? = reply, c.level == n % 100 else { failures.add(); continue }
                }
            }
            #expect(failures.value == 0)
            #expect(handler.requests.count == 80)
        }
    }

    @Test func alertStreamDeliversInOrderAndEndsWhenTheClientLeaves() throws {
        try withServer { (server, path) throws in
            let received = Lines()
            let done = DispatchSemaphore(value: 0)
            let follower = Thread {
                let client = ControlClient(socketPath: path, timeout: 5)
                try? client.followAlerts { notice in
                    received.append(notice.ruleId)
                    return received.value.count < 3
                }
                done.signal()
            }
            follower.start()
            try waitUntil { server.alerts.followerCount == 1 }
            for i in 0..<3 {
                server.alerts.publish(AlertNotice(alertUUID: "u\(i)", tsUnixNs: Int64(i), ruleId: "r\(i)",
                                                  ruleName: "n", severity: "high", riskScore: 50))
            }
            #expect(done.wait(timeout: .now() + 10) == .success)
            #expect(received.value == ["r0", "r1", "r2"])
            try waitUntil { server.alerts.followerCount == 0 && server.connectionCount == 0 }
        }
    }

    @Test func slowFollowerLosesOldestAlertsAndIsToldHowMany() throws {
        try withServer({ $0.followerQueueCapacity = 2 }) { (server, path) throws in
            let raw = try RawClient(path)
            try raw.send("{\"v\":1,\"op\":\"alerts.follow\"}\n")
            #expect(try raw.response() == .success(.following(FollowStarted())))
            try waitUntil { server.alerts.followerCount == 1 }
            // The connection thread may take the first alert before the queue fills; publish
            // while it is busy sleeping on an empty queue is enough to overflow a 2-slot queue.
            for i in 0..<50 {
                server.alerts.publish(AlertNotice(alertUUID: "u\(i)", tsUnixNs: Int64(i), ruleId: "r", ruleName: "n",
                                                  severity: "low", riskScore: 1))
            }
            var seen: [AlertNotice] = []
            while seen.last?.alertUUID != "u49", case .success(.alert(let n))? = try raw.response() { seen.append(n) }
            let missed = seen.compactMap(\.missedBefore).reduce(0, +)
            #expect(seen.count + missed == 50, "every alert is either delivered or counted as missed")
            #expect(seen.last?.alertUUID == "u49")
        }
    }

    @Test func followerThatStopsReadingIsDroppedAndOthersKeepBeingServed() throws {
        try withServer({ $0.writeTimeout = 0.5 }) { (server, path) throws in
            let stuck = try RawClient(path)
            try stuck.send("{\"v\":1,\"op\":\"alerts.follow\"}\n")
            #expect(try stuck.response() == .success(.following(FollowStarted())))
            try waitUntil { server.alerts.followerCount == 1 }
            let big = String(repeating: "x", count: 16_384)
            var published = 0
            // It never reads again: once the socket buffer is full, its write times out.
            while server.alerts.followerCount > 0 && published < 10_000 {
                server.alerts.publish(AlertNotice(alertUUID: "u\(published)", tsUnixNs: 0, ruleId: "r", ruleName: "n",
                                                  severity: "low", riskScore: 1, ecsJSON: big))
                published += 1
                if published % 64 == 0 { usleep(50_000) }
            }
            try waitUntil { server.alerts.followerCount == 0 && server.connectionCount == 0 }
            #expect(try ControlClient(socketPath: path, timeout: 5).call(.levelGet) == .level(RecordingHandler.level))
            withExtendedLifetime(stuck) {}
        }
    }

    @Test func stopEndsFollowersAndRemovesTheSocket() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/run/mamori/control.sock"
        let server = ControlServer(configuration: ControlServerConfiguration(socketPath: path, readGroup: nil),
                                   handler: RecordingHandler())
        try server.start()
        var info = stat()
        #expect(stat(dir.path + "/run/mamori", &info) == 0 && info.st_mode & 0o7777 == 0o755, "parent created 0755")
        #expect(stat(path, &info) == 0 && info.st_mode & 0o7777 == 0o660 && info.st_mode & S_IFMT == S_IFSOCK)
        let raw = try RawClient(path)
        try raw.send("{\"v\":1,\"op\":\"alerts.follow\"}\n")
        _ = try raw.response()
        server.stop()
        #expect(try raw.response() == nil, "follower disconnected on stop")
        #expect(access(path, F_OK) != 0, "socket removed")
        #expect {
            _ = try ControlClient(socketPath: path, timeout: 2).call(.status)
        } throws: { error in
            guard let e = error as? ControlClientError, case .agentNotRunning = e else { return false }
            return e.exitStatus == 3 && e.description.contains("mamori agent is not running (no \(path))")
        }
    }

    @Test func staleSocketIsReplacedButALiveAgentIsNot() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/control.sock"
        // A stale socket: bound, never listened, closed (what a crashed agent leaves).
        let stale = try Socket.open(family: AF_UNIX, .stream)
        #expect(throws: Never.self) { try stale.bind(to: try #require(SocketAddress.unix(path))) }
        stale.close()
        #expect {
            _ = try ControlClient(socketPath: path, timeout: 2).call(.status)
        } throws: { error in
            guard let e = error as? ControlClientError, case .agentNotRunning = e else { return false }
            return e.description.contains("nothing listens on \(path)")
        }
        let first = ControlServer(configuration: .init(socketPath: path, readGroup: nil), handler: RecordingHandler())
        try first.start()
        defer { first.stop() }
        let second = ControlServer(configuration: .init(socketPath: path, readGroup: nil), handler: RecordingHandler())
        #expect(throws: ControlServerError.alreadyRunning(path: path)) { try second.start() }
        #expect(try ControlClient(socketPath: path, timeout: 5).call(.levelGet) == .level(RecordingHandler.level),
                "the live agent keeps its socket")
    }

    @Test func aRegularFileAtThePathIsLeftAlone() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/control.sock"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep".utf8)))
        let server = ControlServer(configuration: .init(socketPath: path, readGroup: nil), handler: RecordingHandler())
        #expect(throws: ControlServerError.notASocket(path: path)) { try server.start() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep")
    }
}

/// A thread-safe counter for tests.
final class Counter: @unchecked Sendable {
    // SAFETY: `count` is only touched with `lock` held.
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// A thread-safe list of strings for tests.
final class Lines: @unchecked Sendable {
    // SAFETY: `items` is only touched with `lock` held.
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var value: [String] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Polls `condition` every 10 ms for up to 10 s.
func waitUntil(_ condition: () -> Bool) throws {
    let deadline = Date(timeIntervalSinceNow: 10)
    while !condition() {
        if Date() > deadline { throw POSIXError(.ETIMEDOUT) }
        usleep(10_000)
    }
}
