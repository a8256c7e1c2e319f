import Testing
@testable import MamoriExport

@Suite struct MamoriExportPlaceholderTests {
    @Test func moduleLinks() { #expect(Bool(true)) }
}
