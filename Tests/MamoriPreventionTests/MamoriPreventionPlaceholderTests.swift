import Testing
@testable import MamoriPrevention

@Suite struct MamoriPreventionPlaceholderTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
