import Glibc
import MamoriSystem

/// Speaks systemd's notification protocol (sd_notify) without libsystemd: one datagram of
/// `KEY=VALUE` lines to the AF_UNIX socket named by `$NOTIFY_SOCKET` (a path, or an abstract
/// name written with a leading '@'). Tells systemd READY=1 once hooks are attached,
/// STOPPING=1 on shutdown, RELOADING=1 around a reload, STATUS= for `systemctl status`, and
/// WATCHDOG=1 keep-alives at half of `$WATCHDOG_USEC` (the unit's WatchdogSec=).
///
/// A Sendable value; every method may be called from any thread (each send is one syscall on
/// a socket opened per message, so there is no shared descriptor to guard).
public struct SystemdNotifier: Sendable {
    /// Where datagrams go: a filesystem path, or "@name" for the abstract namespace.
    public let socketPath: String
    /// How often to send WATCHDOG=1 (half the unit's timeout); nil when systemd does not
    /// watch this process.
    public let watchdogInterval: Duration?

    public init(socketPath: String, watchdogInterval: Duration? = nil) {
        self.socketPath = socketPath
        self.watchdogInterval = watchdogInterval
    }

    /// From the environment systemd gives a Type=notify service; nil outside systemd.
    /// `WATCHDOG_PID`, when set, must be this process (a child must not feed the watchdog).
    public static func fromEnvironment(_ env: (String) -> String? = SystemdNotifier.getenvString) -> SystemdNotifier? {
        guard let path = env("NOTIFY_SOCKET"), !path.isEmpty, path.hasPrefix("/") || path.hasPrefix("@") else {
            return nil
        }
        var interval: Duration?
        if let usec = env("WATCHDOG_USEC").flatMap(Int64.init), usec > 0 {
            let forUs = env("WATCHDOG_PID").flatMap(Int32.init).map { $0 == getpid() } ?? true
            if forUs { interval = .microseconds(usec / 2) }
        }
        return SystemdNotifier(socketPath: path, watchdogInterval: interval)
    }

    public static func getenvString(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    @discardableResult public func ready(status: String? = nil) -> Bool {
        send(["READY=1"] + (status.map { ["STATUS=" + $0] } ?? []))
    }

    @discardableResult public func stopping(status: String? = nil) -> Bool {
        send(["STOPPING=1"] + (status.map { ["STATUS=" + $0] } ?? []))
    }

    /// RELOADING=1 with the CLOCK_MONOTONIC time systemd ≥ 253 wants; follow with `ready()`.
    @discardableResult public func reloading() -> Bool {
        send(["RELOADING=1", "MONOTONIC_USEC=\(MonotonicClock.nanoseconds() / 1_000)"])
    }

    @discardableResult public func status(_ text: String) -> Bool { send(["STATUS=" + text]) }

    @discardableResult public func watchdog() -> Bool { send(["WATCHDOG=1"]) }

    /// Sends the assignments as one datagram; false when the socket is unreachable (systemd
    /// gone, or a stale variable). Newlines inside a value would start a new assignment, so
    /// they are replaced by spaces.
    @discardableResult public func send(_ assignments: [String]) -> Bool {
        let message = assignments.map { $0.replacing("\n", with: " ") }.joined(separator: "\n")
        guard let address = SocketAddress.unix(socketPath, abstractPrefix: true),
              let socket = try? Socket.open(family: AF_UNIX, .datagram) else { return false }
        defer { socket.close() }
        let sent = (try? socket.send(Array(message.utf8), to: address)) ?? -1
        return sent == message.utf8.count
    }
}
