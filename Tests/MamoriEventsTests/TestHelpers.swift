import MamoriEvents
import MamoriTestSupport

/// SplitMix64: a tiny deterministic generator so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decodes `bytes` with a fresh decoder.
func decodeOne(_ bytes: [UInt8]) throws(DecodeError) -> SensorEvent {
    var decoder = RecordDecoder()
    return try decoder.decode(bytes: bytes)
}

/// The error decoding `bytes` (the first `ringSize` of them) throws, or `nil` when it decodes.
func decodeError(_ bytes: [UInt8], ringSize: Int? = nil) -> DecodeError? {
    var decoder = RecordDecoder()
    let count = ringSize ?? bytes.count
    return bytes.withUnsafeBytes { raw -> DecodeError? in
        do throws(DecodeError) {
            _ = try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
            return nil
        } catch {
            return error
        }
    }
}
