import Foundation

/// The readable table and the SVG chart of a `BenchReport`.
extension BenchReport {
    public func table() -> String {
        func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "—" }
        var out = "Mamori overhead (\(repetitions) repetitions × \(duration_ms) ms; median [min–max]; overhead paired per repetition)\n"
        if let m = machine { out += "machine: \(m.cpus) CPU \(m.cpuModel), kernel \(m.kernel)\n" }
        out += "workload  mode        ns/op [min–max]                 overhead  >floor  events/s   drops  agent CPU  peak RSS  lat p50/p99 (µs)  B/op\n"
        for r in results {
            let name = r.workload.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            let mode = r.mode.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
            guard r.available else { out += "\(name) \(mode) unavailable (\(r.note ?? ""))\n"; continue }
            let ns = "\(f(r.ns_per_op, "%.0f")) [\(f(r.ns_per_op_min, "%.0f"))–\(f(r.ns_per_op_max, "%.0f"))]"
            var line = "\(name) \(mode) \(ns.padding(toLength: 31, withPad: " ", startingAt: 0))"
            line += f(r.overhead_pct, "%+7.1f%%").leftPad(9) + f(r.over_floor_pp, "%+.1fpp").leftPad(8)
            if r.mode == .sensor || r.mode == .prevention {
                line += f(r.events_per_s, "%.0f").leftPad(10) + String(r.drops ?? 0).leftPad(8)
                line += f(r.agent_cpu_pct, "%.1f%%").leftPad(11) + f(r.agent_peak_rss_mib, "%.1f MiB").leftPad(10)
                line += "  \(f(r.latency_p50_us, "%.0f"))/\(f(r.latency_p99_us, "%.0f"))"
                line += "  " + f(r.sensor_bytes_per_op, "%.0f")
            } else if r.mode == .auditd {
                // CPU of auditd + kauditd; bytes of audit.log per operation
                line += "—".leftPad(10) + "—".leftPad(8) + f(r.agent_cpu_pct, "%.1f%%").leftPad(11) + "—".leftPad(10)
                line += "  —/—  " + f(r.sensor_bytes_per_op, "%.0f")
            }
            out += line + "\n"
        }
        if !capacity.isEmpty {
            out += "\nSensor capacity (one event per chmod, 2 generator processes)\n"
            out += "test               generated  achieved/s  delivered   drops  agent CPU  peak RSS  lat p50/p99 (µs)\n"
            for c in capacity {
                out += c.name.padding(toLength: 17, withPad: " ", startingAt: 0) + String(c.generated).leftPad(11)
                    + String(format: "%.0f", c.achievedRate).leftPad(12) + String(c.delivered).leftPad(11) + String(c.drops).leftPad(8)
                    + String(format: "%.1f%%", c.agentCPUPct).leftPad(11) + String(format: "%.1f MiB", c.agentPeakRSSMiB).leftPad(10)
                    + "  \(f(c.latencyP50Us, "%.0f"))/\(f(c.latencyP99Us, "%.0f"))\n"
            }
        }
        if !profile.isEmpty {
            out += "\nBPF profile (bpf_stats, separate pass): kernel ns per workload op, top programs\n"
            for p in profile {
                let progs = p.programs.prefix(4).map { String(format: "%@ %.0f", $0.name, $0.nsPerOp) }.joined(separator: ", ")
                out += "  \(p.workload.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%.0f", p.bpfNsPerOp).leftPad(6)) ns of \(String(format: "%.0f", p.nsPerOp)) ns/op  (\(progs))\n"
            }
        }
        if let p = pipeline {
            out += String(format: "\nUserspace path alone (decode → ProcessTable → DetectionPipeline, %d rules, one core): %.0f events/s (%@; %llu alerts)\n",
                          p.rules, p.eventsPerSecond, p.mix, p.alerts)
        }
        return out
    }

    /// Grouped bars: overhead % per workload for floor and sensor (prevention: "n/a").
    public func svg() -> String {
        let workloads = Workload.allCases.filter { w in results.contains { $0.workload == w } }
        let modes: [(Mode, String)] = [(.floor, "#9aa5b1"), (.sensor, "#d9480f"), (.prevention, "#5c940d"), (.auditd, "#1971c2")]
        let values = results.compactMap { $0.mode == .baseline ? nil : $0.overhead_pct }
        let top = max(5, (values.max() ?? 5) * 1.15), bottom = min(0, (values.min() ?? 0) * 1.15)
        let w = 120 + workloads.count * 110, h = 360, plotTop = 40.0, plotH = 260.0
        func y(_ v: Double) -> Double { plotTop + (top - v) / (top - bottom) * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<text x=\"10\" y=\"20\" font-size=\"14\">Mamori overhead vs baseline (%, median of \(repetitions) paired repetitions)</text>\n"
        s += "<line x1=\"60\" x2=\"\(w - 10)\" y1=\"\(y(0))\" y2=\"\(y(0))\" stroke=\"#333\"/>\n"
        for t in stride(from: (bottom / 5).rounded(.down) * 5, through: top, by: max(1, ((top - bottom) / 6).rounded(.up))) {
            s += "<text x=\"55\" y=\"\(y(t) + 4)\" text-anchor=\"end\">\(Int(t))%</text><line x1=\"60\" x2=\"\(w - 10)\" y1=\"\(y(t))\" y2=\"\(y(t))\" stroke=\"#eee\"/>\n"
        }
        for (i, wl) in workloads.enumerated() {
            let x0 = 70.0 + Double(i) * 110
            for (j, (mode, color)) in modes.enumerated() {
                let x = x0 + Double(j) * 25
                if let r = results.first(where: { $0.workload == wl && $0.mode == mode }), r.available, let v = r.overhead_pct {
                    let y1 = min(y(v), y(0)), hgt = abs(y(v) - y(0))
                    s += "<rect x=\"\(x)\" y=\"\(y1)\" width=\"22\" height=\"\(max(hgt, 1))\" fill=\"\(color)\"><title>\(wl.rawValue) \(mode.rawValue): \(String(format: "%.1f", v))%</title></rect>\n"
                    s += "<text x=\"\(x + 13)\" y=\"\(y1 - 3)\" text-anchor=\"middle\" font-size=\"10\">\(String(format: "%.1f", v))</text>\n"
                } else {
                    s += "<text x=\"\(x + 13)\" y=\"\(y(0) - 3)\" text-anchor=\"middle\" font-size=\"9\" fill=\"#888\">n/a</text>\n"
                }
            }
            s += "<text x=\"\(x0 + 43)\" y=\"\(plotTop + plotH + 20)\" text-anchor=\"middle\">\(wl.rawValue)</text>\n"
        }
        for (j, (mode, color)) in modes.enumerated() {
            let x = 70 + j * 130
            s += "<rect x=\"\(x)\" y=\"\(h - 25)\" width=\"12\" height=\"12\" fill=\"\(color)\"/><text x=\"\(x + 16)\" y=\"\(h - 15)\">\(mode.rawValue)</text>\n"
        }
        return s + "</svg>\n"
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
