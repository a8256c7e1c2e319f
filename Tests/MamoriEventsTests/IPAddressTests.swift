import MamoriEvents
import Testing

@Suite("IPAddress text")
struct IPAddressTests {
    func v6(_ groups: [UInt16]) -> IPAddress {
        IPAddress(family: .inet6, bytes: groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] })
    }

    @Test(arguments: [([UInt8]([127, 0, 0, 1]), "127.0.0.1"), ([0, 0, 0, 0], "0.0.0.0"),
                      ([255, 255, 255, 255], "255.255.255.255"), ([10, 1, 20, 200], "10.1.20.200")])
    func ipv4(bytes: [UInt8], text: String) {
        let address = IPAddress(family: .inet, bytes: bytes)
        #expect(address.description == text)
        #expect(address.bytes == bytes)
    }

    @Test(arguments: [
        ([UInt16](repeating: 0, count: 8), "::"),
        ([0, 0, 0, 0, 0, 0, 0, 1], "::1"),
        ([1, 0, 0, 0, 0, 0, 0, 0], "1::"),
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], "2001:db8::1"),
        ([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1], "2001:db8:0:1::1"),          // longest run wins
        ([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"),         // first of equal runs
        ([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], "2001:db8:0:1:1:1:1:1"),      // a single 0 is not shortened
        ([0xfe80, 0, 0, 0, 0x1ff, 0xfe23, 0x4567, 0x890a], "fe80::1ff:fe23:4567:890a"),
        ([0xABCD, 0xEF01, 0x2345, 0x6789, 0xABCD, 0xEF01, 0x2345, 0x6789],
         "abcd:ef01:2345:6789:abcd:ef01:2345:6789"),
    ])
    func ipv6(groups: [UInt16], text: String) {
        #expect(v6(groups).description == text)
    }

    @Test func ipv4MappedIPv6() {
        let mapped = v6([0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001])
        #expect(mapped.description == "::ffff:127.0.0.1")
        #expect(v6([0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0101]).description == "::ffff:192.168.1.1")
    }

    @Test func loopback() {
        #expect(v6([0, 0, 0, 0, 0, 0, 0, 1]).isLoopback)
        #expect(!v6([0, 0, 0, 0, 0, 0, 0, 2]).isLoopback)
        #expect(IPAddress(family: .inet, bytes: [127, 8, 8, 8]).isLoopback)
        #expect(!IPAddress(family: .inet, bytes: [128, 0, 0, 1]).isLoopback)
    }

    @Test func bytesRoundTrip() {
        let raw: [UInt8] = Array(0..<16)
        #expect(IPAddress(family: .inet6, bytes: raw).bytes == raw)
    }
}
