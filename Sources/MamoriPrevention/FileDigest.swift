import Crypto
import Foundation

/// Streaming SHA-256 for executable hashes and the quarantine manifest, on swift-crypto.
///
/// Exists so the prevention layer has one small, hex-producing digest type and never a
/// hand-written hash: swift-crypto (BoringSSL underneath) uses the CPU's SHA extensions and
/// hashes a 512 MiB executable in a fraction of what a byte-at-a-time loop needs. A value type;
/// one instance per hashing job, any thread.
public struct FileDigest {
    private var hasher = SHA256()

    public init() {}

    /// Feeds a chunk; call repeatedly while streaming a file.
    public mutating func update<D: DataProtocol>(_ bytes: D) {
        hasher.update(data: bytes)
    }

    /// The digest as 64 lower-case hex digits. The value is spent afterwards.
    public mutating func finalizeHex() -> String {
        FileDigest.hexString(hasher.finalize())
    }

    /// SHA-256 of `bytes` as lower-case hex.
    public static func hex<D: DataProtocol>(_ bytes: D) -> String {
        var d = FileDigest()
        d.update(bytes)
        return d.finalizeHex()
    }

    private static let digits = Array("0123456789abcdef".utf8)

    private static func hexString<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
