import CMamoriABI
import FuzzSupport
import MamoriEvents
import MamoriTestSupport

// Fuzzes `RecordDecoder.decode`, the only code that reads raw ring memory: any byte string
// (truncated headers, lying sizes and lengths, unknown kinds and enum values) must come back as
// an event or a `DecodeError`, never a trap or an out-of-bounds read (ASan).

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked([
        ("exec", RecordBuilder.exec(exe: "/usr/bin/curl", args: ["curl", "-s", "http://10.0.0.1/x"], cwd: "/tmp",
                                    tty: (driver: "pts", index: 3))),
        ("exec-noargs", RecordBuilder.exec(args: [], argc: 0)),
        ("fork", RecordBuilder.fork()),
        ("exit", RecordBuilder.exit(exitStatus: 0x0100)),
        ("gap", RecordBuilder.gap(lost: [1, 2, 3])),
        ("net4", RecordBuilder.network()),
        ("net6", RecordBuilder.network(destination: [UInt8](repeating: 0, count: 15) + [1], destinationPort: 22)),
        ("file-rename", RecordBuilder.file(op: .rename, path: "/tmp/a", path2: "/tmp/b")),
        ("file-create", RecordBuilder.file(op: .create, path: "/etc/cron.d/x", mode: 0o644)),
        ("action", RecordBuilder.action(path: "/tmp/x")),
        ("action-net", RecordBuilder.action(action: .blockConnect, reason: .isolated, destination: [127, 0, 0, 1],
                                            destinationPort: 4444, proto: 6)),
    ].map { (name: $0.0, bytes: $0.1) })
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // Copy into an exactly sized allocation so ASan sees any read past the ring-reported size.
    let input = fuzzInput(data, size)
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 8)
    defer { copy.deallocate() }
    if size > 0 { copy.copyMemory(from: UnsafeRawBufferPointer(input)) }
    var decoder = RecordDecoder()
    let record = UnsafeRawBufferPointer(start: copy.baseAddress, count: size)
    if let event = try? decoder.decode(record) {
        _ = String(describing: event)
    }
    // A record whose header claims the ABI version and its own size reaches the body decoders.
    if size >= MemoryLayout<mamori_header>.size {
        var patched = Array(input)
        RecordBuilder.patch(&patched, at: MemoryLayout<mamori_header>.offset(of: \mamori_header.version)!, UInt16(MAMORI_ABI_VERSION))
        RecordBuilder.patch(&patched, at: MemoryLayout<mamori_header>.offset(of: \mamori_header.size)!, UInt32(truncatingIfNeeded: size))
        patched.withUnsafeBytes { raw in
            let exact = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
            defer { exact.deallocate() }
            exact.copyMemory(from: raw)
            if let event = try? decoder.decode(UnsafeRawBufferPointer(exact)) { _ = String(describing: event) }
        }
    }
    return 0
}
