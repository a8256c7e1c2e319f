import Foundation
import Glibc

/// A datagram socket the test binds where systemd's would be (a path or an abstract '@name'),
/// collecting what `SystemdNotifier` sends. Closed (and its path removed) on deinit.
final class NotifySocket {
    let name: String
    private let fd: Int32
    private(set) var messages: [String] = []

    init(abstract: Bool) throws {
        let tag = "mamori-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        name = abstract ? "@" + tag : NSTemporaryDirectory() + tag + ".sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard rc == 0 else { close(fd); throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        if !name.hasPrefix("@") { unlink(name) }
    }

    /// Receives until a message containing `line` arrives or `seconds` pass; true if it came.
    @discardableResult
    func waitFor(_ line: String, seconds: Double = 5) -> Bool {
        if messages.contains(where: { $0.split(separator: "\n").contains(Substring(line)) }) { return true }
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let n = recv(fd, &buffer, buffer.count, 0)
            guard n > 0 else { continue }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            messages.append(text)
            if text.split(separator: "\n").contains(Substring(line)) { return true }
        }
        return false
    }
}
