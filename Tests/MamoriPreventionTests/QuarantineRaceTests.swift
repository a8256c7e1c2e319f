import Foundation
import MamoriPrevention
import Testing

/// Issue 13.6: quarantine and restore run as root on paths an attacker wrote. A symlink in
/// the path, or swapped in between check and act, must never turn them into a root unlink,
/// chown or overwrite of some other file. Everything here lives in the test's temp directory.
@Suite struct QuarantineRaceTests {
    @Test func aSymlinkedParentIsRefusedAndTheRealFileSurvives() throws {
        let dir = TempDir("qrace")
        let victimDir = dir.path + "/victim"
        try FileManager.default.createDirectory(atPath: victimDir, withIntermediateDirectories: true)
        try "precious".write(toFile: victimDir + "/secret", atomically: false, encoding: .utf8)
        #expect(symlink(victimDir, dir.path + "/link") == 0)
        let q = Quarantine(directory: dir.path + "/q")
        #expect(throws: Quarantine.Failure.self) { try q.quarantine(path: dir.path + "/link/secret", origin: nil) }
        #expect(try String(contentsOfFile: victimDir + "/secret", encoding: .utf8) == "precious")
        #expect(q.list().isEmpty)
    }

    @Test func aSymlinkItselfIsRefusedAndItsTargetSurvives() throws {
        let dir = TempDir("qrace")
        try "precious".write(toFile: dir.path + "/target", atomically: false, encoding: .utf8)
        #expect(symlink(dir.path + "/target", dir.path + "/payload") == 0)
        let q = Quarantine(directory: dir.path + "/q")
        #expect(throws: Quarantine.Failure.self) { try q.quarantine(path: dir.path + "/payload", origin: nil) }
        #expect(try String(contentsOfFile: dir.path + "/target", encoding: .utf8) == "precious")
    }

    /// The original's directory is replaced by a symlink to another directory before restore
    /// (even forced): the restore is refused and the other directory's file is not overwritten.
    @Test func restoreThroughASwappedDirectoryIsRefused() throws {
        let dir = TempDir("qrace")
        let work = dir.path + "/work"
        let victimDir = dir.path + "/victim"
        for d in [work, victimDir] { try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
        try "payload".write(toFile: work + "/file", atomically: false, encoding: .utf8)
        try "precious".write(toFile: victimDir + "/file", atomically: false, encoding: .utf8)
        let q = Quarantine(directory: dir.path + "/q")
        let entry = try q.quarantine(path: work + "/file", origin: nil)
        try FileManager.default.removeItem(atPath: work)
        #expect(symlink(victimDir, work) == 0)
        #expect(throws: Quarantine.Failure.self) { try q.restore(id: entry.id, force: true) }
        #expect(try String(contentsOfFile: victimDir + "/file", encoding: .utf8) == "precious")
        #expect(q.list() == [entry], "a refused restore keeps the quarantined copy")
    }

    /// A file that appears at the original path is never replaced without force, and a
    /// restore leaves no temporary file behind.
    @Test func restoreNeverReplacesWithoutForceAndLeavesNoTemporary() throws {
        let dir = TempDir("qrace")
        let path = dir.path + "/file"
        try "payload".write(toFile: path, atomically: false, encoding: .utf8)
        let q = Quarantine(directory: dir.path + "/q")
        let entry = try q.quarantine(path: path, origin: nil)
        #expect(symlink("/nonexistent-mamori-target", path) == 0)  // a dangling link counts as existing
        #expect(throws: Quarantine.Failure.self) { try q.restore(id: entry.id) }
        unlink(path)
        #expect(try q.restore(id: entry.id) == path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "payload")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".mamori-restore") }
        #expect(left.isEmpty)
    }

    @Test func idsThatAreNotIdsAreRejected() {
        let dir = TempDir("qrace")
        let q = Quarantine(directory: dir.path + "/q")
        for id in ["../x", "q1/../../etc", "", "Q1"] {
            #expect(throws: Quarantine.Failure.self) { try q.restore(id: id) }
        }
    }
}
