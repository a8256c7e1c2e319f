import MamoriText

/// Checks the network addresses the configuration accepts (collector hosts, listen addresses,
/// OTLP URLs) without resolving anything: validation must not depend on DNS. Any thread.
enum NetworkAddress {
    /// An IPv4 literal in MamoriText's address grammar (the one the CIDR type uses).
    static func isIPv4(_ text: String) -> Bool { CIDR.parseAddress(text)?.count == 4 }

    /// An IPv6 literal in MamoriText's address grammar.
    static func isIPv6(_ text: String) -> Bool { CIDR.parseAddress(text)?.count == 16 }

    /// An IP literal, or a DNS name: labels of letters, digits and '-', not starting or
    /// ending with '-', at most 63 bytes each and 253 in all.
    static func isValidHost(_ text: String) -> Bool {
        if isIPv4(text) || isIPv6(text) { return true }
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        // All-numeric dotted text that is not a valid IPv4 address (999.1.1.1) is a typo.
        if text.allSatisfy({ $0.isNumber || $0 == "." }) { return false }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-",
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
        }
        return true
    }

    /// Splits `host:port` / `[v6]:port`; nil when the shape is wrong.
    static func splitHostPort(_ text: String) -> (host: String, port: String)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            return (host, String(rest.dropFirst()))
        }
        guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// nil when `text` is a usable `host:port`, else what is wrong.
    static func listenAddressProblem(_ text: String) -> String? {
        guard let (host, port) = splitHostPort(text) else {
            return "'\(text)' is not host:port (write IPv6 as [::1]:9464)"
        }
        guard isValidHost(host) else { return "'\(host)' is not an IP address or a valid host name" }
        guard let p = Int(port), (1...65_535).contains(p) else { return "port '\(port)' is not in 1...65535" }
        return nil
    }

    /// nil when `text` is an http(s) URL with a valid host (and port, if any).
    static func urlProblem(_ text: String) -> String? {
        let scheme: String
        if text.hasPrefix("http://") { scheme = "http://" } else if text.hasPrefix("https://") { scheme = "https://" } else {
            return "'\(text)' must start with http:// or https://"
        }
        let rest = text.dropFirst(scheme.count)
        let authority = String(rest.prefix { $0 != "/" && $0 != "?" })
        if authority.isEmpty { return "'\(text)' has no host" }
        if let (host, port) = splitHostPort(authority) {
            guard isValidHost(host) else { return "'\(host)' is not an IP address or a valid host name" }
            guard let p = Int(port), (1...65_535).contains(p) else { return "port '\(port)' is not in 1...65535" }
        } else {
            let host = authority.hasPrefix("[") && authority.hasSuffix("]")
                ? String(authority.dropFirst().dropLast()) : authority
            guard isValidHost(host) else { return "'\(host)' is not an IP address or a valid host name" }
        }
        return nil
    }

    /// Whether a listen host is loopback (127.0.0.0/8, ::1, localhost).
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || (isIPv4(host) && host.hasPrefix("127."))
    }
}

/// "Did you mean ...?" for unknown keys and enum values: the closest candidate by edit
/// distance, when it is close enough to be a plausible typo. Any thread.
enum Suggestion {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word.lowercased(), c.lowercased())
            if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
