import BenchStreams
import Foundation
import MamoriDetection
import MamoriEvents
import MamoriProcess

// A fixed amount of per-event work for `valgrind --tool=callgrind`, whose instruction counts
// are repeatable on a shared machine (wall-clock numbers are not). Usage:
//
//   DecodeMatchCount MODE STREAM N [nointern]
//
// MODE: decode (RecordDecoder only) or match (decode, ProcessTable lookup, DetectionEngine);
// STREAM: repeated | distinct | exec | distinct-exec (BenchStreams). Setup and the warm-up pass
// run first in both runs of a pair, so instructions per event =
// (Ir(N = 11,000) − Ir(N = 1,000)) / 10,000; `make bench-callgrind` does exactly that.
// `nointern` decodes without the decoder's intern table (the path before it existed).

let args = CommandLine.arguments
guard args.count == 4 || (args.count == 5 && args[4] == "nointern"), let n = Int(args[3]), ["decode", "match"].contains(args[1]) else {
    print("usage: DecodeMatchCount decode|match repeated|distinct|exec|distinct-exec N [nointern]")
    exit(2)
}
let stream: [[UInt8]]
switch args[2] {  // only the chosen stream is built
case "repeated": stream = Streams.repeatedFiles
case "distinct": stream = Streams.distinctFiles
case "exec": stream = Streams.repeatedExecs
case "distinct-exec": stream = Streams.distinctExecs
default: print("unknown stream \(args[2])"); exit(2)
}

/// Warm-up, then `n` measured events; everything local so the loop is plain code.
func run(_ stream: [[UInt8]], n: Int, matching: Bool, interned: Bool) {
    let table = Streams.table()
    for e in Streams.decoded(Streams.setupRecords) { table.apply(e) }
    var engine = DetectionEngine(rules: Streams.rules)
    var decoder = interned ? RecordDecoder() : RecordDecoder(strings: nil)
    var hits: [RuleHit] = []
    hits.reserveCapacity(16)
    func step(_ record: [UInt8]) {
        record.withUnsafeBytes { raw in
            guard let event = try? decoder.decode(raw) else { return }
            guard matching else { return }
            hits.removeAll(keepingCapacity: true)
            engine.evaluate(event, process: table.record(for: event.header.processKey), parent: nil, ancestry: [],
                            into: &hits)
        }
    }
    for r in stream.prefix(Streams.warmUpCount(stream)) { step(r) }
    for i in 0..<n { step(Streams.measured(stream, i)) }
    print("decoded=\(decoder.stats.decoded) hits=\(hits.count)")
}

run(stream, n: n, matching: args[1] == "match", interned: args.count == 4)
