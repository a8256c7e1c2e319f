import CMamoriABI
import MamoriEvents
import MamoriTestSupport
import Testing

@Suite("Decoder statistics")
struct DecodeStatsTests {
    @Test func countsSuccessesAndEachFailureCategory() {
        var decoder = RecordDecoder()
        #expect(decoder.stats == DecodeStats())
        var outOfBounds = RecordBuilder.file(path: "/x")
        RecordBuilder.patch(&outOfBounds, at: RecordBuilder.offset(of: \mamori_file.path_len), UInt16(500))
        let inputs: [[UInt8]] = [
            RecordBuilder.exec(), RecordBuilder.fork(), RecordBuilder.exit(),  // 3 decoded
            [1, 2, 3],                                                           // truncated (header)
            RecordBuilder.exit(header: .init(sizeOverride: 12)),                 // truncated (kind)
            RecordBuilder.exec(header: .init(version: 9)),                       // version
            RecordBuilder.exec(header: .init(version: 0)),                       // version
            RecordBuilder.fork(header: .init(sizeOverride: 4096)),               // size mismatch
            RecordBuilder.fork(header: .init(kindOverride: 42)),                 // unknown kind
            outOfBounds,                                                         // out of bounds
        ]
        for bytes in inputs { _ = try? decoder.decode(bytes: bytes) }
        _ = try? decoder.decode(bytes: RecordBuilder.gap() + [0, 0, 0, 0, 0, 0, 0, 0])  // slack, decoded
        let stats = decoder.stats
        #expect(stats.decoded == 4)
        #expect(stats.truncated == 2)
        #expect(stats.versionMismatch == 2)
        #expect(stats.sizeMismatch == 1)
        #expect(stats.unknownKind == 1)
        #expect(stats.fieldOutOfBounds == 1)
        #expect(stats.invalidValue == 0)
        #expect(stats.failed == 7)
        #expect(stats.trailingSlack == 1)
        #expect(stats.count(of: .versionMismatch) == 2)
        #expect(stats.lastError?.category == .fieldOutOfBounds)
        #expect(stats.description.hasPrefix("decoded=4 failed=7 truncated=2 versionMismatch=2"))
        decoder.resetStats()
        #expect(decoder.stats == DecodeStats())
    }

    @Test func decodeRethrowsTheErrorItCounted() {
        var decoder = RecordDecoder()
        #expect(throws: DecodeError.unknownKind(0)) {
            try decoder.decode(bytes: RecordBuilder.exit(header: .init(kindOverride: 0)))
        }
        #expect(decoder.stats.unknownKind == 1)
        #expect(decoder.stats.lastError == .unknownKind(0))
    }
}
