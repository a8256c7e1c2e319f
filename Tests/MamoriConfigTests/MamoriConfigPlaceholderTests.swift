import Testing
@testable import MamoriConfig

@Suite struct MamoriConfigPlaceholderTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
