import FuzzSupport
import MamoriControl

// Fuzzes the control protocol codec: a request line as the agent reads it from a peer (root or
// a read-group member) and a response line as the CLI reads it from the socket. Either comes
// back as a value or a `ControlError`; decoded text goes through `TerminalText.sanitize`.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked([
        ("status", ControlWire.encode(.status)),
        ("level-set", ControlWire.encode(.levelSet(LevelSetRequest(level: .name("high"), reason: "drill", forSeconds: 600)))),
        ("level-set-number", ControlWire.encode(.levelSet(LevelSetRequest(level: .number(3))))),
        ("simulate", ControlWire.encode(.levelSimulate(SimulateRequest(level: .number(2), sinceUnixNs: 1_700_000_000_000_000_000)))),
        ("isolate", ControlWire.encode(.isolate(IsolateRequest(on: true, reason: "incident 7")))),
        ("quarantine-add", ControlWire.encode(.quarantineAdd(QuarantineAddRequest(path: "/tmp/x", reason: "r")))),
        ("quarantine-restore", ControlWire.encode(.quarantineRestore(QuarantineRestoreRequest(id: "abc-1", force: true)))),
        ("error", ControlWire.encode(ControlError(.badRequest, "pid out of range \u{1b}[31m"))),
    ].map { (name: $0.0, bytes: $0.1) })
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let line = fuzzInput(data, size)
    switch ControlWire.decodeRequest(line) {
    case .success(let request):
        // What the agent would answer to and log: re-encode and render.
        _ = ControlWire.encode(request)
        _ = TerminalText.sanitize(String(describing: request))
    case .failure(let error):
        _ = TerminalText.sanitize(error.message)
    }
    if let reply = try? ControlWire.decodeResponse(line) {
        _ = TerminalText.sanitize(String(describing: reply))
    }
    return 0
}
