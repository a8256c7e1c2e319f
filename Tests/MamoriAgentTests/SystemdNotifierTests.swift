import Foundation
import Glibc
import MamoriAgent
import Testing

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func sendsStatesAsOneDatagramToPathOrAbstractSockets(abstract: Bool) throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(socketPath: socket.name)
        #expect(notifier.ready(status: "running: 40 hooks\nsecond line"))
        #expect(socket.waitFor("READY=1"))
        #expect(socket.messages.last == "READY=1\nSTATUS=running: 40 hooks second line", "a newline must not start a new assignment")
        #expect(notifier.watchdog())
        #expect(socket.waitFor("WATCHDOG=1"))
        #expect(notifier.stopping())
        #expect(socket.waitFor("STOPPING=1"))
        #expect(notifier.reloading())
        #expect(socket.waitFor("RELOADING=1"))
        #expect(socket.messages.last?.contains("MONOTONIC_USEC=") == true)
    }

    @Test func unreachableSocketIsReportedNotFatal() {
        #expect(!SystemdNotifier(socketPath: "/nonexistent/notify.sock").ready())
        #expect(!SystemdNotifier(socketPath: "/" + String(repeating: "x", count: 200)).ready(), "longer than sun_path")
    }

    @Test func environmentGivesSocketAndHalfTheWatchdogTimeout() throws {
        func from(_ env: [String: String]) -> SystemdNotifier? { SystemdNotifier.fromEnvironment { env[$0] } }
        #expect(from([:]) == nil, "not under systemd")
        #expect(from(["NOTIFY_SOCKET": "relative.sock"]) == nil)
        let n = try #require(from(["NOTIFY_SOCKET": "@/org/freedesktop/systemd1/notify", "WATCHDOG_USEC": "30000000"]))
        #expect(n.socketPath == "@/org/freedesktop/systemd1/notify")
        #expect(n.watchdogInterval == .seconds(15))
        let mine = from(["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(mine?.watchdogInterval == .seconds(1))
        let other = from(["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"])
        #expect(other?.watchdogInterval == nil, "the watchdog is for another process")
        #expect(from(["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "0"])?.watchdogInterval == nil)
    }
}
