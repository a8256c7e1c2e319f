import FuzzSupport
import MamoriEvents

// Fuzzes `DNSMessage.parse`, which reads DNS payloads copied from the packet path (any
// process on the host, and any DNS server it talks to, chooses these bytes): every input must
// come back as a message or a `DNSDecodeError`, never a trap, an out-of-bounds read (ASan) or
// unbounded work (compression loops). The parse of an exact-size copy and of the same bytes
// followed by junk must agree on the header and question (a prefix decides them).

/// A name in wire form.
func wireName(_ labels: [String]) -> [UInt8] {
    labels.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
}

func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }

/// A header, one question, and `answers` (already in wire form).
func message(id: UInt16, flags: UInt16, name: [String], type: UInt16, answers: [[UInt8]]) -> [UInt8] {
    be16(id) + be16(flags) + be16(1) + be16(UInt16(answers.count)) + be16(0) + be16(0)
        + wireName(name) + be16(type) + be16(1) + answers.flatMap { $0 }
}

/// An answer whose owner is a pointer to the question name (offset 12).
func answer(type: UInt16, data: [UInt8]) -> [UInt8] {
    [0xc0, 12] + be16(type) + be16(1) + [0, 0, 1, 44] + be16(UInt16(data.count)) + data
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked([
        ("query-a", message(id: 0x4d4d, flags: 0x0100, name: ["www", "example", "com"], type: 1, answers: [])),
        ("response-a-aaaa", message(id: 0x4d4d, flags: 0x8180, name: ["www", "example", "com"], type: 1, answers: [
            answer(type: 1, data: [127, 0, 0, 99]),
            answer(type: 28, data: [UInt8](repeating: 0, count: 15) + [1]),
        ])),
        ("response-cname", message(id: 7, flags: 0x8180, name: ["a", "test"], type: 1, answers: [
            answer(type: 5, data: wireName(["b"]) .dropLast() + [0xc0, 14]),
            answer(type: 16, data: [3, 0x61, 0x62, 0x63]),
        ])),
        ("nxdomain", message(id: 9, flags: 0x8183, name: ["nope", "invalid"], type: 28, answers: [])),
        ("pointer-loop", be16(1) + be16(0x8180) + be16(1) + be16(0) + be16(0) + be16(0) + [0xc0, 12] + be16(1) + be16(1)),
        ("long-label", message(id: 3, flags: 0x0100, name: [String(repeating: "x", count: 63), String(repeating: "y", count: 63)], type: 16, answers: [])),
    ].map { (name: $0.0, bytes: $0.1) })
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    // Exactly sized allocation: ASan reports any read past the end.
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 1)
    defer { copy.deallocate() }
    if size > 0 { copy.copyMemory(from: UnsafeRawBufferPointer(input)) }
    let exact = DNSMessage.parse(UnsafeRawBufferPointer(start: copy.baseAddress, count: size))
    if case .success(let m) = exact {
        precondition(m.answers.count <= DNSMessage.maxAnswers, "more answers than the bound")
        precondition(m.questionName.utf8.count <= 4 * DNSMessage.maxNameWireLength, "name beyond its bound")
        _ = m.resolvedAddresses
        for a in m.answers { _ = a.dataText }
        // Junk after the message cannot change the header or the question.
        let longer = DNSMessage.parse(Array(input) + [0xc0, 0x00, 0xff])
        guard case .success(let l) = longer else { preconditionFailure("a parsed message stopped parsing with a suffix") }
        precondition(l.id == m.id && l.questionName == m.questionName && l.questionType == m.questionType,
                     "a suffix changed the question")
    } else if case .failure(let e) = exact {
        _ = e.description
        _ = e.code
    }
    return 0
}
