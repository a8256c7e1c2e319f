import MamoriEvents

extension Fixtures {
    static let refused: Int32 = -111      // ECONNREFUSED
    static let unreachable: Int32 = -113  // EHOSTUNREACH

    /// Connects by one actor, one a second, with the given result.
    static func probes(_ actor: Actor, _ targets: [(String, UInt16)], result: Int32, start: Double = 100) -> [Step] {
        targets.enumerated().map { i, t in actor.connect(t.0, t.1, result: result, at: start + Double(i)) }
    }

    /// Behaviour of a scan, whatever runs it: many failed connects to distinct ports or hosts.
    static let scans: [RuleFixture] = [
        RuleFixture("failed-connect-port-scan",
            positives: [
                Case("bash /dev/tcp loop over 12 loopback ports, all refused",
                     probes(Actor(Proc.line("/usr/bin/bash", "bash -c echo > /dev/tcp/127.0.0.1/$p"), in: Trees.userLogin),
                            (20...31).map { ("127.0.0.1", UInt16($0)) }, result: refused)),
                Case("nc -z over a port range",
                     probes(Actor(Proc.line("/usr/bin/nc.openbsd", "nc -zv 127.0.0.1 1-1000"), in: Trees.rootLogin),
                            (1...15).map { ("127.0.0.1", UInt16($0)) }, result: refused)),
            ],
            negatives: [
                Case("a client retrying one port that is down",
                     probes(Actor(Proc.line("/usr/bin/psql", "psql -h 127.0.0.1 -p 5432"), in: Trees.userLogin),
                            Array(repeating: ("127.0.0.1", UInt16(5432)), count: 15), result: refused)),
                Case("a test suite connecting to 15 loopback servers that answer",
                     probes(Actor(Proc.line("/usr/bin/python3", "python3 -m pytest tests"), in: Trees.userLogin),
                            (40_000...40_014).map { ("127.0.0.1", UInt16($0)) }, result: 0)),
            ]),

        RuleFixture("failed-connect-host-sweep",
            positives: [
                Case("ssh port probed on 12 hosts, none reachable",
                     probes(Actor(Proc.line("/usr/bin/python3", "python3 sweep.py 10.20.0.0/24"), in: Trees.rootLogin),
                            (1...12).map { ("10.20.0.\($0)", UInt16(22)) }, result: unreachable)),
            ],
            negatives: [
                Case("a health check reaching 12 web servers that answer",
                     probes(Actor(Proc.line("/usr/bin/python3", "python3 check_web.py"), in: Trees.rootLogin),
                            (1...12).map { ("10.20.0.\($0)", UInt16(443)) }, result: 0)),
                Case("one host down, retried",
                     probes(Actor(Proc.line("/usr/bin/curl", "curl http://10.20.0.9/health"), in: Trees.rootLogin),
                            Array(repeating: ("10.20.0.9", UInt16(80)), count: 12), result: unreachable)),
            ]),
    ]
}
