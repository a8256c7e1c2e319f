import Testing
@testable import MamoriExport

@Suite struct SyslogFormatterTests {
    private let formatter = SyslogFormatter(facility: .local4, hostname: "web 01", appName: "mamori", procID: "4242")

    @Test func headerFieldsAndStructuredData() {
        let alert = sampleAlert(rule: #"we"ird\rule]"#, severity: .critical, incident: "inc-7")
        let bytes = formatter.format(alert)
        let text = String(decoding: bytes, as: UTF8.self)
        // local4 = 20 → 160; critical → 2 (crit).
        #expect(text.hasPrefix("<162>1 2026-11-27T07:12:13.123456Z web_01 mamori 4242 alert [mamori@32473 "))
        #expect(text.contains(#"rule="we\"ird\\rule\]""#))
        #expect(text.contains(#"risk="80""#))
        #expect(text.contains(#"incident="inc-7""#))
        #expect(text.contains(#"technique="T1059.004,T1071""#))
        let bom = bytes.firstRange(of: SyslogFormatter.bom)
        #expect(bom != nil)
        let msg = bytes[bom!.upperBound...]
        #expect(String(decoding: msg, as: UTF8.self) == String(decoding: alert.document, as: UTF8.self))
        #expect(msg.last == UInt8(ascii: "}"))  // trailing newline stripped
    }

    @Test func severityMapping() {
        let expected: [(AlertSeverity, Int)] = [(.critical, 2), (.high, 3), (.medium, 4), (.low, 5), (.informational, 6)]
        for (severity, code) in expected {
            let text = String(decoding: formatter.format(sampleAlert(severity: severity)), as: UTF8.self)
            #expect(text.hasPrefix("<\(20 * 8 + code)>1 "))
        }
        #expect(AlertSeverity(word: "HIGH") == .high)
        #expect(AlertSeverity(word: "bogus") == .medium)
    }

    @Test func truncatesOnUTF8BoundaryAndMarks() {
        let alert = sampleAlert(extraBody: #","x":""# + String(repeating: "é", count: 2000) + #"""#)
        let bytes = formatter.format(alert, maxBytes: 1001)
        #expect(bytes.count <= 1001)
        #expect(bytes.count >= 995)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"truncated="true"]"#))
        #expect(!text.contains("\u{FFFD}"))  // no split sequence
        let untouched = formatter.format(sampleAlert(), maxBytes: 8192)
        #expect(!String(decoding: untouched, as: UTF8.self).contains("truncated"))
    }

    @Test func emptyFieldsBecomeNilValue() {
        let f = SyslogFormatter(facility: .auth, hostname: "", appName: "mamori", procID: "1")
        #expect(String(decoding: f.format(sampleAlert()), as: UTF8.self).contains("Z - mamori 1 alert ["))
        #expect(SyslogFacility(name: "LOCAL7") == .local7)
        #expect(SyslogFacility(name: "security") == .auth)
        #expect(SyslogFacility(name: "nope") == nil)
    }
}
