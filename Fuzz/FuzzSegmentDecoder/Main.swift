import CFuzzDriver

/// SwiftPM links an executable's entry point as `FuzzSegmentDecoder_main`; hand control to libFuzzer.
@_cdecl("FuzzSegmentDecoder_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector) { data, size in fuzzOne(data, size) }
}
