import Foundation
import Glibc
import MamoriTestSupport
import Testing

/// The agent's memory stays within its documented budget (docs/memory.md) however many
/// processes churn: runs the real `mamori watch` binary through a long fork/exit storm and
/// samples its RSS from /proc.
extension SensorIntegration {
@Suite("memory budget")
struct MemoryBudgetTests {
    /// The budget for `mamori watch` with default options, in KiB.
    static let budgetKiB = 64 * 1024

    static func rssKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }

    @Test("RSS stays bounded through a 30,000-process fork/exit storm")
    func forkStormRSS() throws {
        try StormLock.exclusive {
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("mamori").path
            #expect(FileManager.default.isExecutableFile(atPath: binary), "built mamori binary at \(binary)")
            let agent = Process()
            agent.executableURL = URL(fileURLWithPath: binary)
            agent.arguments = ["watch", "--kind", "exit"]
            agent.standardOutput = FileHandle.nullDevice
            let errPipe = Pipe()
            agent.standardError = errPipe
            try agent.run()
            defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL); agent.waitUntilExit() } }
            // Wait for "sensor attached".
            var banner = Data()
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, !String(decoding: banner, as: UTF8.self).contains("attached") {
                banner.append(errPipe.fileHandleForReading.availableData)
            }
            #expect(String(decoding: banner, as: UTF8.self).contains("attached"))
    
            let pid = agent.processIdentifier
            let startRSS = Self.rssKiB(pid) ?? 0
            var peak = startRSS
            var samples: [Int] = []
            for _ in 0..<3 {
                try runProcess("/bin/sh", ["-c", "i=0; while [ $i -lt 10000 ]; do (:); i=$((i+1)); done"])
                let rss = Self.rssKiB(pid) ?? 0
                samples.append(rss)
                peak = max(peak, rss)
            }
            agent.interrupt()
            let stopDeadline = Date().addingTimeInterval(15)
            while agent.isRunning && Date() < stopDeadline { usleep(50_000) }
            #expect(!agent.isRunning, "mamori watch stops on SIGINT")
            if agent.isRunning { kill(agent.processIdentifier, SIGKILL) }
            agent.waitUntilExit()
            print("mamori watch RSS: start \(startRSS) KiB, after each 10k forks \(samples) KiB, peak \(peak) KiB, budget \(Self.budgetKiB) KiB")
            #expect(agent.terminationStatus == 0, "clean stop on SIGINT")
            #expect(peak < Self.budgetKiB)
            // Steady state: the last 10k forks must not grow memory like the first did.
            if samples.count == 3 { #expect(samples[2] - samples[1] < 8 * 1024) }
        }
    }
}
}
