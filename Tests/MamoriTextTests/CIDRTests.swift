import MamoriText
import Testing

/// The one CIDR grammar: what it accepts (both families, IPv4 tails, host prefixes), what it
/// refuses and why, and what matches.
@Suite struct CIDRTests {
    @Test(arguments: [
        ("10.1.2.3/8", "10.0.0.0/8"), ("10.1.2.3", "10.1.2.3"), ("0.0.0.0/0", "0.0.0.0/0"),
        ("2001:db8::1/32", "2001:db8::/32"), ("::1", "::1"), ("::", "::"), ("fe80::/10", "fe80::/10"),
        ("::ffff:10.1.2.3", "::ffff:10.1.2.3"), ("::1.2.3.4", "::102:304"), ("1:0:0:2::3", "1:0:0:2::3"),
        ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"), (" 10.0.0.0/8 ", "10.0.0.0/8"),
    ])
    func accepted(_ text: String, _ canonical: String) throws {
        let cidr = try #require(CIDR(text))
        #expect(cidr.description == canonical)
    }

    @Test func refusedWithTheReason() {
        #expect(CIDR.parse("") == .failure(.empty))
        #expect(CIDR.parse("  ") == .failure(.empty))
        #expect(CIDR.parse("10.0.0.300/8") == .failure(.notAnAddress("10.0.0.300")))
        #expect(CIDR.parse("010.0.0.1") == .failure(.notAnAddress("010.0.0.1")))  // octal-looking
        #expect(CIDR.parse("10.0.0/8") == .failure(.notAnAddress("10.0.0")))
        #expect(CIDR.parse("example.com") == .failure(.notAnAddress("example.com")))
        #expect(CIDR.parse("1::2::3") == .failure(.notAnAddress("1::2::3")))
        #expect(CIDR.parse("fe80::1%eth0") == .failure(.notAnAddress("fe80::1%eth0")))
        #expect(CIDR.parse("1:2:3:4:5:6:7:8:9") == .failure(.notAnAddress("1:2:3:4:5:6:7:8:9")))
        #expect(CIDR.parse("12345::") == .failure(.notAnAddress("12345::")))
        #expect(CIDR.parse("10.0.0.1/33") == .failure(.badLength("33", maximum: 32)))
        #expect(CIDR.parse("::1/129") == .failure(.badLength("129", maximum: 128)))
        #expect(CIDR.parse("10.0.0.1/") == .failure(.badLength("", maximum: 32)))
        #expect(CIDR.parse("10.0.0.1/+8") == .failure(.badLength("+8", maximum: 32)))
        #expect(CIDR.parse("10.0.0.1/8/8") == .failure(.badLength("8/8", maximum: 32)))
        #expect(CIDR.Failure.badLength("33", maximum: 32).description == "prefix length '33' is not a number in 0...32")
        #expect(CIDR.Failure.notAnAddress("x").description == "'x' is not an IPv4 or IPv6 address (e.g. 10.0.0.0/8, fd00::/8)")
    }

    @Test func matchesByFamilyAndPrefix() throws {
        let v4 = try #require(CIDR("10.0.0.0/8")), v6 = try #require(CIDR("2001:db8::/32"))
        #expect(v4.contains(bytes: [10, 200, 1, 1]))
        #expect(!v4.contains(bytes: [11, 0, 0, 1]))
        #expect(v4.contains(bytes: CIDR.mapped([10, 9, 9, 9])))  // dual-stack socket form
        #expect(v4.contains(ipv4: 0x0a00_0001))
        #expect(!v4.contains(ipv6High: 0, low: 0))
        #expect(v6.contains(bytes: try #require(CIDR.parseAddress("2001:db8:ffff::1"))))
        #expect(!v6.contains(bytes: try #require(CIDR.parseAddress("2001:db9::1"))))
        #expect(v6.contains(ipv6High: 0x2001_0db8_0000_0001, low: 7))
        #expect(try #require(CIDR("0.0.0.0/0")).contains(bytes: [203, 0, 113, 9]))
        #expect(v4.mapped.length == 104 && v6.mapped.length == 32)
        #expect(v4.contains(mapped: CIDR.mapped([10, 1, 1, 1])))
    }
}
