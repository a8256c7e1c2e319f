import MamoriControl
import Testing

/// Issue 13 #10: alert text printed by the CLI cannot carry terminal control sequences.
@Suite struct TerminalTextTests {
    @Test func controlCharactersAreEscaped() {
        let evil = "Reverse shell \u{1B}[2J\u{1B}]0;owned\u{07}\r\nfake line\u{7F}\u{9B}31m"
        let safe = TerminalText.sanitize(evil)
        #expect(safe == "Reverse shell \\x1B[2J\\x1B]0;owned\\x07\\x0D\\x0Afake line\\x7F\\x9B31m")
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f || (0x80...0x9f).contains($0.value) })
        #expect(TerminalText.sanitize("plain → é /tmp/x") == "plain → é /tmp/x")
    }
}

/// Issue 13 #10: read-group members cannot hold every control slot; root keeps a reserve.
@Suite struct RootSlotReserveTests {
    @Test func nonRootPeersCannotTakeTheRootReserve() {
        let max = 16
        let reserve = ControlServer.reservedForRoot(maxConnections: max)
        #expect(reserve == 4)
        #expect(ControlServer.admits(isRoot: false, total: 11, nonRoot: 11, maxConnections: max))
        #expect(!ControlServer.admits(isRoot: false, total: 12, nonRoot: 12, maxConnections: max))
        #expect(ControlServer.admits(isRoot: true, total: 12, nonRoot: 12, maxConnections: max))
        #expect(ControlServer.admits(isRoot: true, total: 15, nonRoot: 12, maxConnections: max))
        #expect(!ControlServer.admits(isRoot: true, total: 16, nonRoot: 12, maxConnections: max))
    }
}
