import FuzzSupport
@testable import MamoriDetection

// Fuzzes FastRegex, the linear-time matcher every rule regex runs on: the input's first line is
// the pattern (flags from its first byte), the rest the subject. Compilation must accept or
// reject (nil), and matching must terminate in program × text steps without trapping.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked(FuzzSeeds.text([
        ("dns-exfil", "\0(base64|xxd\\s+-p|base32|od\\s+-A).*\\|.*(while|xargs|for\\s).*\\b(dig|nslookup|host|drill)\\b\nbase64 é | while read l; do dig $l.x; done"),
        ("anchors", "\u{2}(?m)^\\S+\\s+\\S+$\nab cd\nef"),
        ("classes", "\u{1}[\\w.-]+@[\\w-]+\\.[a-z]{2,}\nUser@Example.com"),
        ("counted", "\0x{2,5}?y|(a|ab)(c|bcd)(d*)\nxxxxy abcd"),
        ("utf8", "\u{4}a.c[^/]{3,}$\naéc/ü√x"),
        ("nested", "\0(a*)*b\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        ("named", "\0(?<name>ab)+(?P<n>x)y\\Z\nababxy\n"),
    ]))
    return 0
}

private nonisolated(unsafe) var scratch = FastRegex.Scratch()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard let flags = input.first else { return 0 }
    let rest = input.dropFirst()
    let newline = rest.firstIndex(of: 0x0A) ?? rest.endIndex
    let pattern = String(decoding: rest[rest.startIndex..<newline], as: UTF8.self)
    let subject = Array(rest[min(newline + 1, rest.endIndex)...])
    guard let rx = FastRegex(pattern: pattern, caseInsensitive: flags & 1 != 0, multiline: flags & 2 != 0,
                             dotAll: flags & 4 != 0) else { return 0 }
    _ = rx.matches(subject.span, scratch: &scratch)
    return 0
}
