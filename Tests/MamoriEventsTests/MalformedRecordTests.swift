import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

@Suite("Malformed records")
struct MalformedRecordTests {
    let exec = RecordBuilder.exec(exe: "/usr/bin/env", args: ["env", "-i", "sh"], cwd: "/var/tmp",
                                  tty: ("pts", 0))

    @Test func everyRingPrefixOfAnExecThrows() {
        #expect(decodeError(exec) == nil)
        for length in 0..<exec.count {
            let error = decodeError(exec, ringSize: length)
            if length < 32 {
                #expect(error == .truncated(kind: nil, expected: 32, actual: length))
            } else {
                #expect(error == .sizeMismatch(header: exec.count, ring: length))
            }
        }
    }

    @Test func everyPrefixWithAConsistentHeaderSizeThrows() {
        for length in 0..<exec.count {
            var prefix = Array(exec[0..<length])
            if length >= 8 {
                RecordBuilder.patch(&prefix, at: RecordBuilder.offset(of: \mamori_header.size), UInt32(length))
            }
            guard let error = decodeError(prefix) else {
                Issue.record("prefix of \(length) bytes decoded"); continue
            }
            if length < 32 {
                #expect(error.category == .truncated)
            } else if length < 168 {
                #expect(error == .truncated(kind: .exec, expected: 168, actual: length))
            } else {
                #expect(error.category == .fieldOutOfBounds, "\(length): \(error)")
            }
        }
    }

    @Test func exeLengthBeyondTheEnd() {
        var bytes = exec
        let lengthOffset = RecordBuilder.offset(of: \mamori_exec.exe_len)
        RecordBuilder.patch(&bytes, at: lengthOffset, UInt16(0xffff))
        #expect(decodeError(bytes) == .fieldOutOfBounds(kind: .exec, field: .exe, offset: 168, length: 0xffff,
                                                         recordSize: bytes.count))
    }

    @Test func argsAndCwdLengthsBeyondTheEnd() {
        var args = exec
        RecordBuilder.patch(&args, at: RecordBuilder.offset(of: \mamori_exec.args_len), UInt16(4096))
        #expect(decodeError(args)?.description.contains("field args") == true)
        var cwd = exec
        let cwdLen = Int(RecordBuilder.read(cwd, at: RecordBuilder.offset(of: \mamori_exec.cwd_len), as: UInt16.self))
        RecordBuilder.patch(&cwd, at: RecordBuilder.offset(of: \mamori_exec.cwd_len), UInt16(cwdLen + 1))
        #expect(decodeError(cwd) == .fieldOutOfBounds(kind: .exec, field: .cwd, offset: cwd.count - cwdLen,
                                                       length: cwdLen + 1, recordSize: cwd.count))
    }

    @Test func fieldsAreBoundedByHeaderSizeNotRingSize() {
        // The ring delivered extra bytes, but header.size ends before cwd does.
        var bytes = exec + [UInt8](repeating: 0x41, count: 64)
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_header.size), UInt32(exec.count - 1))
        #expect(decodeError(bytes)?.category == .fieldOutOfBounds)
    }

    @Test func filePathLengthsBeyondTheEnd() {
        var bytes = RecordBuilder.file(op: .rename, path: "/a", path2: "/b")
        RecordBuilder.patch(&bytes, at: RecordBuilder.offset(of: \mamori_file.path2_len), UInt16(3))
        #expect(decodeError(bytes) == .fieldOutOfBounds(kind: .file, field: .path2, offset: 122, length: 3,
                                                         recordSize: 124))
        var first = RecordBuilder.file(path: "/etc/passwd")
        RecordBuilder.patch(&first, at: RecordBuilder.offset(of: \mamori_file.path_len), UInt16(4096))
        #expect(decodeError(first)?.category == .fieldOutOfBounds)
    }

    // 12 is past MAMORI_KIND_COUNT (11).
    @Test(arguments: [UInt16(0), 11, 12, 0x7fff, 0xffff])
    func unknownKind(kind: UInt16) {
        let bytes = RecordBuilder.fork(header: .init(kindOverride: kind))
        #expect(decodeError(bytes) == .unknownKind(kind))
    }

    @Test func versionMismatch() {
        let bytes = RecordBuilder.exec(header: .init(version: 1))
        let error = decodeError(bytes)
        #expect(error == .versionMismatch(expected: UInt16(MAMORI_ABI_VERSION), actual: 1))
        #expect(error?.description.contains("version 1") == true)
    }

    @Test func headerSizeSmallerThanTheFixedPart() {
        let bytes = RecordBuilder.gap(header: .init(sizeOverride: 40))
        #expect(decodeError(bytes) == .truncated(kind: .gap, expected: MemoryLayout<mamori_gap>.size, actual: 40))
        let zero = RecordBuilder.exit(header: .init(sizeOverride: 0))
        #expect(decodeError(zero) == .truncated(kind: .exit, expected: 80, actual: 0))
    }

    @Test func emptyBufferThrows() {
        var decoder = RecordDecoder()
        #expect(throws: DecodeError.truncated(kind: nil, expected: 32, actual: 0)) {
            try decoder.decode(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    @Test func errorMessagesCarryTheContext() {
        #expect(DecodeError.truncated(kind: .exec, expected: 136, actual: 100).description
                == "mamori_exec record truncated: header.size is 100 bytes, the fixed part needs 136; "
                + "the BPF object and the agent disagree on the layout (rebuild both from the same abi.h)")
        let bounds = DecodeError.fieldOutOfBounds(kind: .file, field: .path, offset: 120, length: 50, recordSize: 130)
        #expect(bounds.description.contains("field path at offset 120 with length 50 ends at 170"))
        #expect(DecodeError.sizeMismatch(header: 300, ring: 200).description.contains("300"))
        #expect(DecodeError.unknownKind(9).description.contains("kind 9"))
    }

    @Test func randomGarbageNeverTraps() {
        var rng = SplitMix64(seed: 0x5EED_0001)
        var decoder = RecordDecoder()
        var buffer = [UInt8](repeating: 0, count: 1024)
        for _ in 0..<10_000 {
            let length = Int.random(in: 0...buffer.count, using: &rng)
            for i in 0..<length { buffer[i] = UInt8.random(in: 0...255, using: &rng) }
            buffer.withUnsafeBytes { raw in
                _ = try? decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
            }
        }
        #expect(decoder.stats.decoded + decoder.stats.failed == 10_000)
    }

    /// Random bytes behind a plausible header (right version, known kind, size == length), so
    /// the fuzz reaches the per-kind and variable-length checks instead of stopping at the version.
    @Test func plausibleHeadersWithRandomBodiesNeverTrap() {
        var rng = SplitMix64(seed: 0x5EED_0002)
        var decoder = RecordDecoder()
        for round in 0..<10_000 {
            var bytes = (0..<Int.random(in: 32...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let kind = UInt16(round % 12)  // 0 and 11 are unknown
            RecordBuilder.patch(&bytes, at: 0, kind)
            RecordBuilder.patch(&bytes, at: 2, UInt16(MAMORI_ABI_VERSION))
            RecordBuilder.patch(&bytes, at: 4, UInt32(bytes.count))
            // Keep the variable lengths small so some records pass the bounds checks.
            if round % 3 == 0, bytes.count >= 130 {
                for offset in [124, 126, 128] { RecordBuilder.patch(&bytes, at: offset, UInt16.random(in: 0...120, using: &rng)) }
            }
            _ = try? decoder.decode(bytes: bytes)
        }
        #expect(decoder.stats.decoded + decoder.stats.failed == 10_000)
        #expect(decoder.stats.decoded > 0)
        #expect(decoder.stats.unknownKind >= 1_500)
    }

    /// Valid records with bytes flipped at random: every outcome is a value or a DecodeError.
    @Test func mutatedValidRecordsNeverTrap() {
        var rng = SplitMix64(seed: 0x5EED_0003)
        let seeds = [exec, RecordBuilder.fork(), RecordBuilder.exit(), RecordBuilder.gap(),
                     RecordBuilder.network(destination: [UInt8](repeating: 1, count: 16)),
                     RecordBuilder.file(op: .rename, path: "/a/../b//c", path2: "/./d")]
        var decoder = RecordDecoder()
        for round in 0..<10_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                // Spare the version most of the time so the mutation lands in deeper checks.
                if i == 2 || i == 3, round % 10 != 0 { continue }
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            if round % 7 == 0 { bytes.removeLast(Int.random(in: 0...min(40, bytes.count), using: &rng)) }
            _ = try? decoder.decode(bytes: bytes)
        }
        #expect(decoder.stats.decoded + decoder.stats.failed == 10_000)
    }
}
