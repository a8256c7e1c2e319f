import MamoriEvents
import MamoriTestSupport
import Testing

/// The decoder's intern tables: repeated strings share one storage (no new allocation), the
/// decoded events are exactly what a decoder without the tables gives (on hits, misses,
/// evictions, slot collisions and bytes that need repair or normalisation), and a flood of
/// unique names stays within the tables' bound.
@Suite("String interning")
struct StringInternerTests {
    /// Address of a string's UTF-8 storage (nil for inline small strings).
    static func storage(_ s: String) -> UnsafeRawPointer? {
        s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    /// `record` with the first occurrence of the ASCII `marker` overwritten by `bytes`.
    static func patch(_ record: [UInt8], _ marker: String, _ bytes: [UInt8]) -> [UInt8] {
        let m = Array(marker.utf8)
        var r = record
        for i in 0...(r.count - m.count) where Array(r[i..<(i + m.count)]) == m {
            r.replaceSubrange(i..<(i + bytes.count), with: bytes)
            return r
        }
        return r
    }

    /// Decodes every record with an interning decoder (small tables, so evictions and
    /// collisions happen) and with a plain one, and expects equal events and equal errors.
    static func expectSameAsPlain(_ records: [[UInt8]], table: StringInterner) -> RecordDecoder {
        var interned = RecordDecoder(strings: table)
        var plain = RecordDecoder(strings: nil)
        for (n, r) in records.enumerated() {
            let a = Result { () throws(DecodeError) in try interned.decode(bytes: r) }
            let b = Result { () throws(DecodeError) in try plain.decode(bytes: r) }
            #expect(a == b, "record \(n)")
        }
        #expect(interned.stats == plain.stats)
        return interned
    }

    @Test func repeatedFilePathSharesStorage() throws {
        var decoder = RecordDecoder()
        let path = "/var/lib/app/spool/worker-1/segment-000001.dat"
        let r1 = RecordBuilder.file(op: .openWrite, path: path)
        let r2 = RecordBuilder.file(header: .init(ktimeNs: 2_000_000_000), op: .chmod, path: path, mode: 0o600)
        guard case .file(let a) = try decoder.decode(bytes: r1), case .file(let b) = try decoder.decode(bytes: r2) else {
            Issue.record("expected file events"); return
        }
        #expect(a.path == path && b.path == path)
        #expect(b.op == .chmod && b.mode == 0o600)
        let pa = Self.storage(a.path), pb = Self.storage(b.path)
        #expect(pa != nil && pa == pb)
        #expect(decoder.strings?.hits == 1 && decoder.strings?.misses == 1)
    }

    @Test func repeatedExecSharesExecutableCwdAndArgv() throws {
        var decoder = RecordDecoder()
        let args = ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:8080/health"]
        let record = RecordBuilder.exec(exe: "/usr/lib/apt/methods/https-helper", args: args, cwd: "/srv/app/releases/current")
        guard case .exec(let a) = try decoder.decode(bytes: record), case .exec(let b) = try decoder.decode(bytes: record) else {
            Issue.record("expected exec events"); return
        }
        #expect(b.executable == "/usr/lib/apt/methods/https-helper" && b.args == args && b.cwd == "/srv/app/releases/current")
        #expect(Self.storage(a.executable) == Self.storage(b.executable))
        #expect(Self.storage(a.cwd) == Self.storage(b.cwd))
        let argvA = a.args.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        let argvB = b.args.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        #expect(argvA != nil && argvA == argvB)
    }

    @Test func normalisedPathsAreDecodedFreshAndCorrect() throws {
        var decoder = RecordDecoder()
        let record = RecordBuilder.file(path: "/etc//cron.d/../cron.d/./evil-long-name")
        for _ in 0..<3 {
            guard case .file(let e) = try decoder.decode(bytes: record) else { Issue.record("expected file"); return }
            #expect(e.path == "/etc/cron.d/evil-long-name")
        }
        #expect(decoder.strings?.hits == 0)
    }

    /// The same bytes as an executable (kept as written) and as a file path (normalised) must
    /// not answer each other's lookups.
    @Test func textAndPathDomainsStaySeparate() throws {
        let raw = "/usr/local/bin/../sbin/long-tool-name"
        let records = [RecordBuilder.exec(exe: raw, args: ["x"], cwd: raw), RecordBuilder.file(path: raw),
                       RecordBuilder.exec(exe: raw, args: ["x"], cwd: raw), RecordBuilder.file(path: raw)]
        let decoder = Self.expectSameAsPlain(records, table: StringInterner(capacity: 16, seed: 3))
        var check = decoder
        guard case .file(let f) = try check.decode(bytes: RecordBuilder.file(path: raw)) else { Issue.record("file"); return }
        #expect(f.path == "/usr/local/sbin/long-tool-name")
    }

    @Test func invalidUTF8IsRepairedEveryTimeNeverKept() throws {
        let base = RecordBuilder.file(path: "/tmp/long-enough-name-QQ")
        let record = Self.patch(base, "QQ", [0xFF, 0xFE])
        var decoder = RecordDecoder()
        for _ in 0..<2 {
            guard case .file(let e) = try decoder.decode(bytes: record) else { Issue.record("expected file"); return }
            #expect(e.path == "/tmp/long-enough-name-\u{FFFD}\u{FFFD}")
        }
        #expect(decoder.strings?.hits == 0)
        _ = Self.expectSameAsPlain([record, record, base, record], table: StringInterner(capacity: 16, seed: 9))
    }

    @Test func floodOfUniqueNamesStaysBoundedAndCorrect() throws {
        var decoder = RecordDecoder(strings: StringInterner(capacity: 64, argvCapacity: 16, maxArgvBytes: 64, seed: 42))
        for n in 0..<5_000 {
            let path = "/tmp/flood/\(n)-aaaaaaaaaaaaaaaaaaaa"
            guard case .file(let e) = try decoder.decode(bytes: RecordBuilder.file(path: path)) else {
                Issue.record("expected file"); return
            }
            #expect(e.path == path)
        }
        #expect(decoder.strings?.capacity == 64)
        #expect(decoder.strings?.misses == 5_000)
        guard case .file(let e) = try decoder.decode(bytes: RecordBuilder.file(path: "/tmp/flood/7-aaaaaaaaaaaaaaaaaaaa")) else {
            Issue.record("expected file"); return
        }
        #expect(e.path == "/tmp/flood/7-aaaaaaaaaaaaaaaaaaaa")
    }

    /// Random records over a small vocabulary (so hits, evictions and collisions all happen in
    /// tables of 16 slots): every event equals the plain decoder's, argv longer than a slot,
    /// argv with empty entries, a missing final NUL and argc smaller than the entries included.
    @Test func internedAndPlainDecodeGiveEqualEvents() {
        var rng = SplitMix64(seed: 0x1234)
        let dirs = ["/var/lib/app", "/tmp/.x", "/etc/cron.d", "/home/alice/.ssh", "relative/dir", "/a//b/../c/./d"]
        let names = ["authorized_keys-long", "segment-000001.dat", "x", "payload-binary-name", "..", "."]
        func word() -> String { dirs[Int(rng.next() % 6)] + "/" + names[Int(rng.next() % 6)] }
        var records: [[UInt8]] = []
        for n in 0..<3_000 {
            let header = RecordBuilder.HeaderFields(ktimeNs: UInt64(n) * 1000 + 1)
            switch rng.next() % 3 {
            case 0:
                let flags: FileFlags = rng.next() % 4 == 0 ? [.pathRelative] : []
                let op: FileOp = rng.next() % 2 == 0 ? .rename : .openWrite
                records.append(RecordBuilder.file(header: header, op: op, path: word(),
                                                  path2: op == .rename ? word() : nil, flags: flags))
            case 1:
                var args = (0..<Int(rng.next() % 5)).map { _ in rng.next() % 5 == 0 ? "" : word() }
                if rng.next() % 7 == 0 { args.append(String(repeating: "A", count: 2_000)) }
                records.append(RecordBuilder.exec(header: header, exe: word(), args: args, cwd: word()))
            default:
                let r = RecordBuilder.file(header: header, path: word() + "-QQ")
                records.append(Self.patch(r, "QQ", [0xC3, 0x28]))
            }
        }
        let decoder = Self.expectSameAsPlain(records, table: StringInterner(capacity: 16, argvCapacity: 16,
                                                                            maxArgvBytes: 256, seed: 5))
        #expect((decoder.strings?.hits ?? 0) > 100 && (decoder.strings?.misses ?? 0) > 100)
    }

    @Test func collidingSlotNeverReturnsTheOtherString() {
        var table = StringInterner(capacity: 16, seed: 1)
        let names = (0..<200).map { "/srv/data/collision-candidate-\($0)" }
        for _ in 0..<3 {
            for name in names {
                var copy = name
                let got = copy.withUTF8 { table.string($0, .text) { String(decoding: $0, as: UTF8.self) } }
                #expect(got == name)
            }
        }
    }
}
