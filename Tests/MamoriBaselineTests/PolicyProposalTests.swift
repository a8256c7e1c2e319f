import MamoriBaseline
import MamoriPrevention
import Testing

@Suite("Lockdown proposals")
struct PolicyProposalTests {
    let items: [(category: String, key: String, detail: String?)] = [
        ("executable", "/usr/sbin/demo", "8:1 7"), ("executable", "/usr/bin/demo-helper", nil),
        ("destination", "tcp 10.1.2.0/24 5432", nil), ("destination", "tcp 10.1.2.0/24 6432", nil),
        ("destination", "tcp 127.0.0.1/32 8080", nil), ("destination", "udp 192.0.2.0/24 53", nil),
    ]

    @Test("a stable profile becomes a policy the existing parser loads: daemon unit + egress allowlist")
    func proposal() throws {
        let p = try PolicyProposal.yaml(profile: "demo.service", state: "stable", items: items,
                                        daemonUnits: PreventionPolicy.defaultDaemonUnits, generatedAt: "now")
        let policy = try PolicyParser.parse(yaml: p.policy, file: "proposal.yaml")
        #expect(policy.daemonUnits.contains("demo.service"))
        #expect(policy.daemonUnits.contains("nginx.service"), "the default daemon units are kept")
        let egress = try #require(policy.unitEgress.first { $0.unit == "demo.service" })
        #expect(egress.mode == .allowlist)
        #expect(egress.rules.count == 2, "loopback needs no entry: \(egress.rules)")
        #expect(egress.rules.contains { $0.ports.sorted() == [5432, 6432] && $0.ipProtocol == .tcp })
        #expect(egress.rules.contains { $0.ports == [53] && $0.ipProtocol == .udp })
        #expect(p.policy.contains("#   /usr/sbin/demo  [dev:inode 8:1 7]"))
        #expect(p.dropIn.contains("prevention:\n  daemon_units:"))
    }

    @Test("refused while learning, for cgroups and the interactive profile; ssh keeps its egress")
    func refusals() throws {
        #expect(throws: PolicyProposal.Refusal.self) {
            _ = try PolicyProposal.yaml(profile: "demo.service", state: "learning", items: items, daemonUnits: [], generatedAt: "")
        }
        #expect(throws: PolicyProposal.Refusal.self) {
            _ = try PolicyProposal.yaml(profile: "cgroup:/x", state: "stable", items: items, daemonUnits: [], generatedAt: "")
        }
        let ssh = try PolicyProposal.yaml(profile: "ssh.service", state: "stable", items: items, daemonUnits: [], generatedAt: "")
        #expect(try PolicyParser.parse(yaml: ssh.policy, file: "p").unitEgress.isEmpty)
        let shelly = try PolicyProposal.yaml(profile: "cron.service", state: "stable",
                                             items: [("executable", "/bin/sh", nil)], daemonUnits: ["nginx.service"], generatedAt: "")
        #expect(!(try PolicyParser.parse(yaml: shelly.policy, file: "p").daemonUnits.contains("cron.service")))
    }
}
