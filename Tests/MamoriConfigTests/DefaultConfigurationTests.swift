import Foundation
@testable import MamoriConfig
import Testing
import Yams

@Suite struct DefaultConfigurationTests {
    @Test func embeddedDefaultIsTheCommittedDistFile() throws {
        let file = try String(contentsOfFile: repositoryRoot + "/dist/config.yaml", encoding: .utf8)
        #expect(DefaultConfiguration.yaml == file, "regenerate Sources/MamoriConfig/DefaultConfiguration.swift from dist/config.yaml")
    }

    @Test func defaultParsesToTheDocumentedDefaults() throws {
        let parsed = try ConfigLoader.parse(yaml: DefaultConfiguration.yaml, file: "dist/config.yaml").get()
        var withoutPrevention = parsed
        withoutPrevention.prevention = .empty
        #expect(withoutPrevention == MamoriConfiguration())
        #expect(parsed.sensor.priorityRingBytes == 2 << 20)
        #expect(parsed.store.retention.eventAge == .seconds(30 * 86_400))
        #expect(parsed.exports.prometheus.listen == "127.0.0.1:9464")
        #expect(parsed.agent.failMode == .open)
        #expect(parsed.prevention.node?.mapping?.count == 0)
    }

    @Test func noFileAtAllRunsTheEmbeddedDefault() throws {
        let dir = TempConfigDir()
        let loaded = try ConfigLoader.load(ConfigSources(file: dir.path + "/absent.yaml")).get()
        #expect(loaded.configuration == MamoriConfiguration())
        #expect(loaded.files.isEmpty)
    }

    @Test func everyKeyIsInTheDefaultFileAndDocumented() throws {
        let docs = try String(contentsOfFile: repositoryRoot + "/docs/configuration.md", encoding: .utf8)
        for field in ConfigSchema.fields {
            #expect(docs.contains("`\(field.path)`"), "docs/configuration.md lacks \(field.path)")
            let leaf = String(field.path.split(separator: ".").last!)
            #expect(DefaultConfiguration.yaml.contains(leaf + ":"), "dist/config.yaml lacks \(field.path)")
        }
    }

    @Test func showOutputLoadsBackToTheSameConfiguration() throws {
        var c = MamoriConfiguration()
        c.exports.otlp.headers = ["Authorization": "Bearer a: b", "X-Tenant": "7"]
        c.control.readGroup = "ops"
        c.sensor.watchFiles = ["/etc/true", "/srv/x y"]
        c.store.retention.eventAge = .milliseconds(1500)
        let again = try ConfigLoader.parse(yaml: ConfigRenderer.yaml(c), file: "show.yaml").get()
        var expected = c
        expected.prevention = again.prevention
        #expect(again == expected)
        let json = ConfigRenderer.json(c)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let sensor = object?["sensor"] as? [String: Any]
        #expect(sensor?["priority_ring_size"] as? String == "2MiB")
        #expect(sensor?["file_events"] as? Bool == true)
    }
}
