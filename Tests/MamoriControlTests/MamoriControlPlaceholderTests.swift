import Testing
@testable import MamoriControl

@Suite struct MamoriControlPlaceholderTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
