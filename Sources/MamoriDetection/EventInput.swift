import MamoriEvents
import MamoriProcess

/// The inputs of one evaluation: the event and its enrichment.
///
/// Built on the stack by `DetectionEngine.evaluate` and passed down by borrow, never stored:
/// storing would retain every string of the event and of three process records per event.
struct EventInput {
    let event: SensorEvent
    let process: ProcessRecord?
    let parent: ProcessRecord?
    let ancestry: [ProcessRecord]
    /// `pipeline` category only: the process writing the acting process's stdin.
    var stdinWriter: ProcessRecord? = nil
    /// Plain values read once, so field producers do not re-read the enum.
    let facts: EventFacts

    var header: EventHeader { facts.header }
    var euid: UInt32? { facts.euid }
    var ppid: UInt32? { facts.ppid }
    var network: EventFacts.Network? { facts.network }
    var fileOp: FileOp? { facts.fileOp }
    var fileMode: UInt32 { facts.fileMode }
}

/// The string-free facts of an event (no reference counting to copy them).
struct EventFacts {
    var header: EventHeader
    /// Effective uid and parent pid of the acting task (`nil` for gap records).
    var euid: UInt32?
    var ppid: UInt32?
    var network: Network?
    var fileOp: FileOp?
    var fileMode: UInt32 = 0

    /// The plain part of a network event.
    struct Network {
        var op: NetworkOp
        var proto: UInt16
        var source: IPAddress
        var sourcePort: UInt16
        var destination: IPAddress
        var destinationPort: UInt16
        /// The syscall's return value (0, or -errno).
        var result: Int32 = 0
    }

    init(_ event: borrowing SensorEvent) {
        switch event {
        case .exec(let e):
            header = e.header; euid = e.subject.euid; ppid = e.subject.ppid
        case .network(let n):
            header = n.header; euid = n.subject.euid; ppid = n.subject.ppid
            network = Network(op: n.op, proto: n.proto, source: n.source, sourcePort: n.sourcePort,
                              destination: n.destination, destinationPort: n.destinationPort, result: n.result)
        case .file(let f):
            header = f.header; euid = f.subject.euid; ppid = f.subject.ppid
            fileOp = f.op; fileMode = f.mode
        case .fork(let f):
            header = f.header; euid = f.subject.euid; ppid = f.subject.ppid
        case .exit(let x):
            header = x.header; euid = x.subject.euid; ppid = x.subject.ppid
        case .action(let a):
            header = a.header; euid = a.subject.euid; ppid = a.subject.ppid
        case .tamper(let t):
            header = t.header; euid = t.subject.euid; ppid = t.subject.ppid
        case .gap(let g):
            header = g.header; euid = nil; ppid = nil
        }
    }
}
