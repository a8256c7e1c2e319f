import Foundation
@testable import MamoriPrevention
import Testing

/// Inputs `make fuzz` found crashing (docs/security.md, fuzzing), kept as regressions.
@Suite struct FuzzRegressionTests {
    /// FuzzStateFiles: a state.json whose revert lies 9.3e18 s ahead trapped in
    /// `LevelSummary.duration` (Double → Int overflow) when the level summary was rendered.
    @Test func hugeRevertInStateFileDoesNotTrap() throws {
        let dir = NSTemporaryDirectory() + "mamori-fuzz-regression-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/state.json"
        let text = #"{"hostLevel":3,"hostRevert":{"level":0,"atUnix":9.3e18},"scopes":[],"isolated":false}"#
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        let loaded = LevelStore(path: path).load()
        #expect(loaded.problem == nil)
        let lines = LevelSummary.lines(state: loaded.state, policy: PreventionPolicy(), nowUnix: 1.7e9)
        #expect(lines.first?.contains("reverts to 0 (monitor) in 277777777h46m") == true, "\(lines.first ?? "")")
        #expect(LevelSummary.duration(-5) == "0s" && LevelSummary.duration(.nan) == "0s" && LevelSummary.duration(.infinity) == "277777777h46m")
    }
}
