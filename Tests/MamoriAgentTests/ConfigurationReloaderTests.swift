import Foundation
import MamoriAgent
import MamoriConfig
import Synchronization
import Testing

@Suite struct ConfigurationReloaderTests {
    @Test func badReloadKeepsThePreviousConfigurationAndGoodOneNotifiesObservers() throws {
        let dir = NSTemporaryDirectory() + "mamori-reload-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/config.yaml"
        try "exports: {syslog: {enabled: true, port: 1514}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let sources = ConfigSources.standard(configPath: file, overrides: ["agent.log_level=debug"])
        let reloader = ConfigurationReloader(initial: try ConfigLoader.load(sources).get())
        let seen = Mutex<[(Int, Int)]>([])
        reloader.onChange { old, new in seen.withLock { $0.append((old.exports.syslog.port, new.exports.syslog.port)) } }

        try "exports: {syslog: {enabled: true, port: 99999}}\n".write(toFile: file, atomically: true, encoding: .utf8)
        guard case .failure(let error) = reloader.reload() else { Issue.record("must be rejected"); return }
        #expect(error.diagnostics.map(\.description) == ["\(file):1:41: exports.syslog.port: 99999 is out of range: an integer in 1...65535"])
        #expect(reloader.configuration.configuration.exports.syslog.port == 1514, "previous configuration stays")
        #expect(seen.withLock { $0.isEmpty })

        try "exports: {syslog: {enabled: true, port: 2514}}\nsensor: {file_events: false}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fresh = try reloader.reload().get().configuration
        #expect(fresh.exports.syslog.port == 2514 && fresh.agent.logLevel == "debug", "the same -o overrides apply again")
        #expect(reloader.configuration.configuration == fresh)
        #expect(seen.withLock { $0.map(\.0) == [1514] && $0.map(\.1) == [2514] })
        #expect(ConfigurationReloader.keysNeedingRestart(old: MamoriConfiguration(), new: fresh) == ["sensor", "exports", "agent"],
                "every section not applied live is named, so the log tells the truth")
    }
}
