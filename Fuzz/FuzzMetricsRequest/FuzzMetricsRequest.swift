import FuzzSupport
import MamoriExport

// Fuzzes the metrics listener's request parser with whatever a local process (or a network
// peer, when a non-loopback listen is allowed) can send: every prefix the server would see
// while reading, and the whole request.

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    FuzzSeeds.emitIfAsked(FuzzSeeds.text([
        ("get", "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept: text/plain\r\n\r\n"),
        ("head-query", "HEAD /metrics?name[]=x HTTP/1.0\r\n\r\n"),
        ("post", "POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
        ("not-found", "GET /../../etc/shadow HTTP/1.1\r\n\r\n"),
        ("bare-lf", "GET /metrics HTTP/1.1\n\n\r\n\r\n"),
    ]))
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let whole = MetricsRequest.parse(input)
    // The server reads in chunks: once complete, a longer read must not change the verdict.
    var step = 1
    while step < input.count {
        if MetricsRequest.parse(input.prefix(step)) != .incomplete {
            precondition(whole != .incomplete, "a prefix is complete but the whole request is not")
            break
        }
        step *= 2
    }
    return 0
}
