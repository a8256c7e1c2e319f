/// The shape of a command: its executable plus its arguments with the parts that vary from run
/// to run (numbers, long hex strings) blanked out, and a 64-bit hash of that.
///
/// Exists for rarity scoring: "a command never seen before on this host scores higher". Two
/// runs of `sleep 5` and `sleep 10` have one shape (`sleep #`), while `curl http://x | sh`
/// run for the first time has a new one. Rules per argument (argv[0] is left out, the
/// executable stands for it; each argument is cut to 256 characters first):
/// - a run of ≥ 8 hex digits containing a decimal digit (hashes, ids, addresses) → `%`;
/// - any other run of decimal digits → `#`.
/// Hash: FNV-1a-64 over the executable, a 0x00 byte, then each shaped argument followed by
/// 0x1f. Keep stable: stored hashes depend on it. A value type; any thread.
public struct CommandShape: Sendable, Hashable {
    public let executable: String
    public let shapedArgs: [String]
    /// Stored as `command_stats.shape_hash` (bit pattern of the unsigned hash).
    public let hash: Int64

    /// - Parameter args: the full argv, argv[0] included (it is skipped).
    public init(executable: String, args: [String]) {
        self.executable = executable
        self.shapedArgs = args.dropFirst().map(Self.shape)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for b in executable.utf8 { add(b) }
        add(0)
        for arg in shapedArgs {
            for b in arg.utf8 { add(b) }
            add(0x1f)
        }
        self.hash = Int64(bitPattern: h)
    }

    /// The shaped form of one argument.
    static func shape(_ arg: String) -> String {
        let scalars = Array(arg.unicodeScalars.prefix(256))
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i].properties.isASCIIHexDigit else {
                out.append(scalars[i]); i += 1; continue
            }
            var j = i
            var hasDigit = false
            while j < scalars.count && scalars[j].properties.isASCIIHexDigit {
                if ("0"..."9").contains(scalars[j]) { hasDigit = true }
                j += 1
            }
            if j - i >= 8 && hasDigit {
                out.append("%")
            } else {
                var k = i
                while k < j {
                    if ("0"..."9").contains(scalars[k]) {
                        while k < j && ("0"..."9").contains(scalars[k]) { k += 1 }
                        out.append("#")
                    } else {
                        out.append(scalars[k]); k += 1
                    }
                }
            }
            i = j
        }
        return String(out)
    }
}

/// One sighting of a command, queued through the writer to update `command_stats`.
/// Sendable value built on the pipeline worker.
public struct CommandObservation: Sendable, Equatable {
    public var shape: CommandShape
    /// A human-readable sample command line (cut to 512 characters).
    public var example: String
    public var unixNs: Int64

    public init(executable: String, args: [String], unixNs: Int64) {
        self.shape = CommandShape(executable: executable, args: args)
        self.example = String(args.joined(separator: " ").prefix(512))
        self.unixNs = unixNs
    }
}

/// One row of `command_stats`: how often a command shape ran here and when. Sendable value.
public struct CommandStat: Sendable, Equatable {
    public var shapeHash: Int64
    public var executable: String
    public var example: String?
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var count: Int64
}
