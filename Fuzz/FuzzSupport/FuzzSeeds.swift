import Foundation

/// Writes a target's built-in seed inputs into a corpus directory, then exits.
///
/// Exists so that the committed corpus under `fuzz/corpus/<target>/` is made from the same
/// builders the unit tests use, not hand-edited bytes: `make fuzz-seeds` runs every fuzzer
/// with `MAMORI_FUZZ_EMIT_SEEDS=<dir>`, and each target calls `emitIfAsked` from its
/// `LLVMFuzzerInitialize`. Without the variable it does nothing. Single-threaded (libFuzzer
/// calls the initializer once, before any input).
public enum FuzzSeeds {
    public static func emitIfAsked(_ seeds: @autoclosure () -> [(name: String, bytes: [UInt8])]) {
        guard let dir = ProcessInfo.processInfo.environment["MAMORI_FUZZ_EMIT_SEEDS"], !dir.isEmpty else { return }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for seed in seeds() {
            FileManager.default.createFile(atPath: dir + "/" + seed.name, contents: Data(seed.bytes))
        }
        exit(0)
    }

    /// Seeds that are text (YAML, JSON lines, HTTP requests).
    public static func text(_ pairs: [(String, String)]) -> [(name: String, bytes: [UInt8])] {
        pairs.map { (name: $0.0, bytes: Array($0.1.utf8)) }
    }
}

/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, as a buffer (empty when size is 0).
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    guard let data, size > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: data, count: size)
}

/// A private scratch directory for targets that exercise file readers (removed at exit by the OS
/// tmp cleaner; one per process, reused for every input).
public let fuzzScratchDirectory: String = {
    let dir = NSTemporaryDirectory() + "mamori-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()
