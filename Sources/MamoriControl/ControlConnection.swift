import MamoriSystem

/// Serves one client connection: reads request lines, authorises, calls the handler, writes
/// replies; or streams alerts after `alerts.follow`.
///
/// Exists to keep the per-connection limits in one place: a request line must arrive complete
/// within `requestTimeout` and fit in `maxLineBytes`; every write must finish within
/// `writeTimeout`. A malformed line gets `bad_request` and the connection stays usable; an
/// oversized or late one gets `bad_request` and the connection closes. Runs on its own thread.
struct ControlConnection {
    let socket: Socket
    let server: ControlServer

    private var configuration: ControlServerConfiguration { server.configuration }

    func run() {
        guard let peer = Peer.of(socket: socket) else { return }
        var reader = LineReader(socket: socket, maxLineBytes: configuration.maxLineBytes)
        while true {
            let outcome: LineReader.Outcome
            do {
                outcome = try reader.next(until: .after(configuration.requestTimeout))
            } catch .timedOut {
                send(.failure(ControlError(.badRequest,
                    "no complete request line within \(Int(configuration.requestTimeout)) s: closing")))
                return
            } catch {
                return
            }
            switch outcome {
            case .endOfStream:
                return
            case .tooLong:
                send(.failure(ControlError(.badRequest,
                    "request line longer than \(configuration.maxLineBytes) bytes: closing")))
                return
            case .line(let line):
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                if !serve(line, peer: peer) { return }
            }
        }
    }

    /// Answers one line. Returns false when the connection should close.
    private func serve(_ line: [UInt8], peer: Peer) -> Bool {
        let request: ControlRequest
        switch ControlWire.decodeRequest(line) {
        case .failure(let error): return send(.failure(error))
        case .success(let r): request = r
        }
        if let refusal = server.authorizer.check(request.operation, peer: peer) {
            server.handler.denied(request.operation, peer: peer, error: refusal)
            return send(.failure(refusal))
        }
        if request == .alertsFollow {
            follow()
            return false
        }
        return send(server.handler.handle(request, from: peer))
    }

    @discardableResult
    private func send(_ reply: Result<ControlReply, ControlError>) -> Bool {
        let bytes: [UInt8]
        switch reply {
        case .success(let r): bytes = ControlWire.encode(r)
        case .failure(let e): bytes = ControlWire.encode(e)
        }
        do {
            try socket.writeLine(bytes, until: .after(configuration.writeTimeout))
            return true
        } catch {
            return false
        }
    }

    /// Streams alerts until the client goes away, a write stalls, or the server stops.
    private func follow() {
        guard let subscription = server.alerts.subscribe() else {
            send(.failure(ControlError(.unavailable, "the agent is shutting down")))
            return
        }
        defer { server.alerts.unsubscribe(subscription) }
        guard send(.success(.following(FollowStarted()))) else { return }
        while true {
            switch subscription.next(timeout: 0.5) {
            case .finished:
                return
            case .alerts(let batch):
                for alert in batch where !send(.success(.alert(alert))) { return }
            case .idle:
                if clientHasGone() { return }
            }
        }
    }

    /// True when the follower closed its end; anything it sends meanwhile is discarded.
    private func clientHasGone() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 512)
        for _ in 0..<128 {  // at most 64 KiB per check, so a chatty follower cannot hold the thread
            do {
                guard let n = try socket.receiveNow(into: &scratch) else { return false }
                if n == 0 { return true }
            } catch {
                return true
            }
        }
        return false
    }
}
