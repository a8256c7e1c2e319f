import Testing
@testable import MamoriStore

@Suite struct CommandStatsTests {
    @Test func shapesBlankOutVaryingParts() {
        #expect(CommandShape.shape("10") == "#")
        #expect(CommandShape.shape("--timeout=30s") == "--timeout=#s")
        #expect(CommandShape.shape("/proc/1234/status") == "/proc/#/status")
        #expect(CommandShape.shape("deadbeef12") == "%")
        #expect(CommandShape.shape("deadbeef") == "deadbeef")  // no digit: a word
        #expect(CommandShape.shape("3f2a9c1e-0000-4bb1-9a8c-12ab34cd56ef") == "%-#-#bb#-#a#c-%")
        #expect(CommandShape(executable: "/bin/sleep", args: ["sleep", "5"])
                == CommandShape(executable: "/bin/sleep", args: ["zzz", "10"]))
        #expect(CommandShape(executable: "/bin/sleep", args: ["sleep", "5"]).hash
                != CommandShape(executable: "/bin/sleep", args: ["sleep", "5", "6"]).hash)
        #expect(CommandShape(executable: "/bin/a", args: ["a", "bc"]).hash
                != CommandShape(executable: "/bin/a", args: ["a", "b", "c"]).hash)
    }

    @Test func countsSightings() throws {
        let dir = TempDir()
        let store = try EventStore(path: dir.dbPath)
        #expect(try store.commandSeenCount(executable: "/bin/sleep", args: ["sleep", "5"]) == 0)
        #expect(try store.recordCommand(executable: "/bin/sleep", args: ["sleep", "5"], unixNs: 100) == 1)
        #expect(try store.recordCommand(executable: "/bin/sleep", args: ["sleep", "10"], unixNs: 50) == 2)
        #expect(try store.recordCommand(executable: "/usr/bin/curl", args: ["curl", "-s", "x"], unixNs: 70) == 1)
        #expect(try store.commandSeenCount(executable: "/bin/sleep", args: ["sleep", "99"]) == 2)
        let stat = try #require(try store.commandStat(CommandShape(executable: "/bin/sleep", args: ["sleep", "1"])))
        #expect(stat.firstSeen == 50 && stat.lastSeen == 100 && stat.example == "sleep 5")
    }
}
