extension CommandShape {
    /// `CommandShape(executable:args:).hash` computed without building the shaped strings:
    /// the same rules, fed straight into the FNV-1a-64 state. Allocates nothing, so a hot path
    /// (the baseline's per-exec argv check) can ask "is this shape known?" for free. Equality
    /// with `hash` is pinned by a test. Any thread.
    public static func streamingHash(executable: String, args: [String]) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func add(_ byte: UInt8) { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for b in executable.utf8 { add(b) }
        add(0)
        var first = true
        for arg in args {
            if first { first = false; continue }
            shapeArgument(arg) { add($0) }
            add(0x1f)
        }
        return Int64(bitPattern: h)
    }

    /// Emits the UTF-8 bytes of `shape(arg)` one at a time (first 256 scalars, as `shape`).
    static func shapeArgument(_ arg: String, _ emit: (UInt8) -> Void) {
        let scalars = arg.unicodeScalars
        let end = scalars.index(scalars.startIndex, offsetBy: 256, limitedBy: scalars.endIndex) ?? scalars.endIndex
        @inline(__always) func isHex(_ s: Unicode.Scalar) -> Bool { s.properties.isASCIIHexDigit }
        @inline(__always) func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 48 && s.value <= 57 }
        func put(_ s: Unicode.Scalar) { UTF8.encode(s) { emit($0) } }
        var i = scalars.startIndex
        while i < end {
            let c = scalars[i]
            guard isHex(c) else { put(c); i = scalars.index(after: i); continue }
            var j = i
            var length = 0
            var hasDigit = false
            while j < end && isHex(scalars[j]) {
                if isDigit(scalars[j]) { hasDigit = true }
                j = scalars.index(after: j); length += 1
            }
            if length >= 8 && hasDigit {
                emit(UInt8(ascii: "%"))
            } else {
                var k = i
                while k < j {
                    if isDigit(scalars[k]) {
                        while k < j && isDigit(scalars[k]) { k = scalars.index(after: k) }
                        emit(UInt8(ascii: "#"))
                    } else {
                        put(scalars[k]); k = scalars.index(after: k)
                    }
                }
            }
            i = j
        }
    }
}
