import Foundation
import Glibc
import Testing
@testable import MamoriExport

@Suite struct RotatingLineWriterTests {
    private func line(_ i: Int) -> [UInt8] { Array(#"{"n":\#(i),"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#.utf8) }

    @Test func rotatesBySizeAndKeepsNGenerations() throws {
        let dir = TempDir(); defer { dir.remove() }
        let path = dir.file("alerts.json")
        let one = line(0).count + 1
        let writer = try RotatingLineWriter(path: path, maxBytes: one * 3, keep: 2)
        for i in 0..<10 { #expect(writer.write(line(i))) }
        writer.close()
        // 10 lines, 3 per file: alerts.json has 9 (1 line), .1 has 6,7,8, .2 has 3,4,5; 0,1,2 rotated out.
        #expect(readLines(path) == [String(decoding: line(9), as: UTF8.self)])
        #expect(readLines(path + ".1").map { $0.contains(#""n":6"#) } .first == true)
        #expect(readLines(path + ".1").count == 3)
        #expect(readLines(path + ".2").count == 3)
        #expect(readLines(path + ".2").first?.contains(#""n":3"#) == true)
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
        #expect(writer.counters.rotations == 3)
        #expect(writer.counters.linesWritten == 10)
        for file in [path, path + ".1", path + ".2"] {
            var st = stat()
            #expect(stat(file, &st) == 0)
            #expect(st.st_mode & 0o777 == 0o640, "mode of \(file)")
        }
    }

    @Test func addsMissingNewlineAndKeepsExistingOne() throws {
        let dir = TempDir(); defer { dir.remove() }
        let path = dir.file("a.json")
        let writer = try RotatingLineWriter(path: path)
        writer.write(Array("{\"a\":1}".utf8))
        writer.write(Array("{\"b\":2}\n".utf8))
        writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":1}\n{\"b\":2}\n")
    }

    @Test func reopensWhenTheFileIsDeleted() throws {
        let dir = TempDir(); defer { dir.remove() }
        let path = dir.file("alerts.json")
        let writer = try RotatingLineWriter(path: path)
        writer.write(line(1))
        #expect(unlink(path) == 0)
        writer.write(line(2))
        #expect(readLines(path).count == 1)
        #expect(readLines(path).first?.contains(#""n":2"#) == true)
        #expect(writer.counters.reopens == 1)
    }

    @Test func reopensWhenTheFileIsMovedAway() throws {
        let dir = TempDir(); defer { dir.remove() }
        let path = dir.file("alerts.json")
        let writer = try RotatingLineWriter(path: path)
        writer.write(line(1))
        #expect(rename(path, path + ".logrotated") == 0)  // what logrotate (no copytruncate) does
        writer.write(line(2))
        #expect(readLines(path + ".logrotated").count == 1)
        #expect(readLines(path).first?.contains(#""n":2"#) == true)
        #expect(writer.counters.reopens == 1)
    }

    @Test func appendsToAnExistingFileAndCountsItsSize() throws {
        let dir = TempDir(); defer { dir.remove() }
        let path = dir.file("alerts.json")
        let one = line(0).count + 1
        do { let w = try RotatingLineWriter(path: path, maxBytes: one * 2, keep: 1); w.write(line(1)) }
        let writer = try RotatingLineWriter(path: path, maxBytes: one * 2, keep: 1)
        writer.write(line(2))
        writer.write(line(3))  // file already holds 2 lines: rotates
        #expect(readLines(path + ".1").count == 2)
        #expect(readLines(path).count == 1)
    }

    @Test func badPathIsAClearErrorAtStartup() {
        #expect(throws: ExportError.file(path: "/nonexistent-dir/x.json", operation: "open", errno: ENOENT)) {
            try RotatingLineWriter(path: "/nonexistent-dir/x.json")
        }
        #expect(throws: ExportError.self) { try RotatingLineWriter(path: "/tmp/x.json", maxBytes: 0) }
    }
}

/// Root: a tiny tmpfs filled to the last byte, then freed again.
@Suite(.serialized, .enabled(if: ExportGate.rootEnabled))
struct DiskFullTests {
    @Test func fullDiskIsCountedNeverThrownAndWritingResumes() throws {
        #expect(ExportGate.isRoot, "CI=true requires root for the tmpfs test")
        let dir = TempDir(); defer { dir.remove() }
        let mountPoint = dir.file("mnt")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        #expect(mount("tmpfs", mountPoint, "tmpfs", 0, "size=64k,mode=0700") == 0, "mount tmpfs: \(errno)")
        defer { umount2(mountPoint, Int32(MNT_DETACH)) }

        let path = mountPoint + "/alerts.json"
        let writer = try RotatingLineWriter(path: path, maxBytes: 1 << 20, keep: 1)
        // Fill the file system with a filler file, leaving almost nothing.
        let filler = mountPoint + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        let block = [UInt8](repeating: 0x41, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)

        let big = Array(("{\"pad\":\"" + String(repeating: "y", count: 6000) + "\"}").utf8)
        var failures = 0
        for _ in 0..<5 where !writer.write(big) { failures += 1 }
        #expect(failures == 5)
        #expect(writer.counters.noSpaceFailures == 5)
        #expect(writer.counters.writeFailures == 5)
        // Only whole lines: whatever landed in the file (nothing, or complete lines) parses.
        for l in readLines(path) { #expect(l.hasSuffix("}")) }

        #expect(unlink(filler) == 0)  // space returns
        #expect(writer.write(big))
        #expect(writer.write(Array("{\"after\":true}".utf8)))
        let lines = readLines(path)
        #expect(lines.last == "{\"after\":true}")
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        writer.close()
    }
}
