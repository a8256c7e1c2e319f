import FuzzSupport

/// Seed rules in the shapes the detection tests use (Sigma modifiers, conditions, regex,
/// Mamori thresholds); `make fuzz-seeds` adds a few files of the shipped pack next to them.
enum RuleSeeds {
    static var all: [(name: String, bytes: [UInt8])] {
        FuzzSeeds.text([
            ("sigma-modifiers.yml", """
            title: modifiers
            id: f-1
            logsource: {product: linux, category: process_creation}
            detection:
                sel:
                    Image|endswith: ['/curl', '/wget']
                    CommandLine|contains|all: ['http', '|']
                    CommandLine|re: '(base64|xxd\\s+-p).*\\|.*\\b(sh|bash)\\b'
                filter:
                    ParentImage|startswith: '/usr/lib/'
                condition: sel and not filter
            level: high
            """),
            ("sigma-one-of.yml", """
            title: one of
            id: f-2
            logsource: {product: linux, category: file_event}
            detection:
                a: {TargetFilename|startswith: '/etc/cron'}
                b: {TargetFilename|contains: '/.ssh/authorized_keys'}
                c: {TargetFilename|re|i: '^/tmp/[^/]{3,}\\.SH$'}
                condition: 1 of (a, b) or c
            level: medium
            tags: [attack.t1053.003, attack.persistence]
            """),
            ("sigma-network.yml", """
            title: net
            id: f-3
            logsource: {product: linux, category: network_connection}
            detection:
                sel:
                    DestinationPort: [4444, 1337]
                    DestinationIp|cidr: ['10.0.0.0/8', 'fe80::/10']
                condition: sel
            level: low
            """),
            ("two-documents.yml", """
            title: a
            id: f-4
            logsource: {product: linux, category: process_creation}
            detection:
                sel: {CommandLine|contains|windash: '-enc'}
                condition: all of sel*
            level: informational
            ---
            title: b
            id: f-5
            logsource: {product: linux, category: process_creation}
            detection:
                keywords: ['*nc -e*', '?ash -i']
                condition: keywords
            level: critical
            """),
        ])
    }
}
