import Glibc
import MamoriSystem
import MamoriEvents
import MamoriOutput
import MamoriProcess

/// The consumer side of `mamori watch`: maintains the process table, filters, formats and
/// writes. Runs on the thread that calls `process`; owns the table alone.
struct WatchWorker {
    let table: ProcessTable
    let names = DomainNameCache()
    let filter: EventFilter
    let json: Bool
    var encoder: EventLineEncoder
    let text: TextFormatter
    var buffer: [UInt8] = []

    init(table: ProcessTable, filter: EventFilter, json: Bool, format: OutputFormat = .ecs, hostName: String) {
        self.table = table
        self.filter = filter
        self.json = json
        let clock = ClockOffset.measure()
        encoder = EventLineEncoder(format: format, hostName: hostName, clock: clock)
        text = TextFormatter(clock: clock)
        buffer.reserveCapacity(1 << 16)
    }

    mutating func process(_ batch: [SensorEvent]) {
        for var event in batch {
            names.apply(&event)
            table.apply(event)
            guard filter.matches(event) else { continue }
            let process = table.record(for: event.header.processKey) ?? table.lookup(pid: event.header.tgid)
            if json {
                let parent = process?.parentKey.flatMap { table.record(for: $0) }
                encoder.encode(event, process: process, parent: parent, into: &buffer)
            } else {
                buffer.append(contentsOf: text.format(event, process: process).utf8)
                buffer.append(0x0a)
            }
            if buffer.count > 60_000 { flush() }
        }
        flush()
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        try? FileDescriptor.standardOutput.writeAll(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// This host's name for `host.name`.
enum HostName {
    static var current: String {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, buf.count)
        return String(cString: buf)
    }
}

/// Diagnostics on stderr (one write(2) per message, so lines from threads do not interleave).
enum StandardError {
    static func write(_ s: String) {
        try? FileDescriptor.standardError.writeAll(s)
    }
}
