import BenchStreams
import Benchmark
import Foundation
import MamoriDetection
import MamoriEvents
import MamoriPipeline
import MamoriStore

// Mallocs per event for each stage of the userspace path (ring record → RecordDecoder →
// EventQueue → ProcessTable → DetectionEngine → DetectionPipeline [+ StoreWriter]) and for the
// whole pipeline. Records are built with RecordBuilder from the C structs the kernel writes
// (BenchStreams). One scaled iteration is one event (scalingFactor .kilo: a sample is 1,000
// events); `make bench-alloc` passes `--scale` so the table reads "mallocs per event".
//
// Only the steady state is measured: every benchmark builds its stage, runs a warm-up pass
// (Streams.warmUpCount: the whole stream when it repeats, 8,192 events when every event is
// new, enough to fill each bounded table), then brackets the per-event loop with
// startMeasurement()/stopMeasurement(). Setup, warm-up and teardown are not counted.
//
// Streams:
// - repeated: one process writing the same few files (a log writer, a build);
// - distinct: every event a new path, or a new command line (a `find`, an unpacker, an
//   attacker flooding names): the bound on the intern tables;
// - mixed: the server-like mix of `mamori bench`'s pipeline benchmark (fork/exec/net/file/exit
//   of 400 processes).
// None of the file/network events match a rule of rules/ (the steady state the goal is about).

let benchmarks: @Sendable () -> Void = {
    let perEvent = Benchmark.Configuration(
        metrics: [.mallocCountTotal, .instructions], timeUnits: .nanoseconds,
        warmupIterations: 1, scalingFactor: .kilo, maxDuration: .seconds(2), maxIterations: 10)

    for (name, stream) in [("file, repeated path", Streams.repeatedFiles), ("file, distinct paths", Streams.distinctFiles),
                           ("exec, repeated command", Streams.repeatedExecs),
                           ("exec, distinct commands", Streams.distinctExecs)] {
        for interned in [true, false] {
            Benchmark("decode \(name)\(interned ? "" : ", no intern table")", configuration: perEvent) { benchmark in
                var decoder = interned ? RecordDecoder() : RecordDecoder(strings: nil)
                for r in stream.prefix(Streams.warmUpCount(stream)) { r.withUnsafeBytes { blackHole(try? decoder.decode($0)) } }
                benchmark.startMeasurement()
                for i in benchmark.scaledIterations {
                    Streams.measured(stream, i).withUnsafeBytes { raw in blackHole(try? decoder.decode(raw)) }
                }
                benchmark.stopMeasurement()
            }
        }
    }

    Benchmark("queue push+pop", configuration: perEvent) { benchmark in
        let queue = EventQueue<SensorEvent>(capacity: 4096)
        let events = Streams.decoded(Streams.repeatedFiles)
        for e in events { _ = queue.tryPush(e); blackHole(queue.pop()) }
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            _ = queue.tryPush(events[i % events.count])
            blackHole(queue.pop())
        }
        benchmark.stopMeasurement()
    }

    Benchmark("enrich (ProcessTable) file event", configuration: perEvent) { benchmark in
        let table = Streams.table()
        for e in Streams.decoded(Streams.setupRecords) { table.apply(e) }
        let events = Streams.decoded(Streams.repeatedFiles)
        for e in events { table.apply(e) }
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let e = events[i % events.count]
            table.apply(e)
            blackHole(table.record(for: e.header.processKey))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("match (DetectionEngine) non-matching file event", configuration: perEvent) { benchmark in
        let table = Streams.table()
        for e in Streams.decoded(Streams.setupRecords) { table.apply(e) }
        var engine = DetectionEngine(rules: Streams.rules)
        let events = Streams.decoded(Streams.repeatedFiles)
        let process = table.record(for: events[0].header.processKey)
        var hits: [RuleHit] = []
        hits.reserveCapacity(16)
        for e in events {
            hits.removeAll(keepingCapacity: true)
            engine.evaluate(e, process: process, parent: nil, ancestry: [], into: &hits)
        }
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            hits.removeAll(keepingCapacity: true)
            engine.evaluate(events[i % events.count], process: process, parent: nil, ancestry: [], into: &hits)
        }
        benchmark.stopMeasurement()
        blackHole(hits)
    }

    for (name, stream) in [("repeated paths", Streams.repeatedFiles), ("distinct paths", Streams.distinctFiles),
                           ("server mix", Streams.mixed)] {
        Benchmark("pipeline (decode→enrich→match→triage), \(name)", configuration: perEvent) { benchmark in
            let pipeline = Streams.pipeline(writer: nil)
            var decoder = RecordDecoder()
            for r in Streams.setupRecords + stream.prefix(Streams.warmUpCount(stream)) {
                r.withUnsafeBytes { if let e = try? decoder.decode($0) { pipeline.process(e) } }
            }
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations {
                Streams.measured(stream, i).withUnsafeBytes { raw in
                    if let e = try? decoder.decode(raw) { pipeline.process(e) }
                }
            }
            benchmark.stopMeasurement()
        }
    }

    for (name, stream) in [("repeated paths", Streams.repeatedFiles), ("distinct paths", Streams.distinctFiles)] {
        Benchmark("pipeline + store enqueue and write, \(name)", configuration: perEvent) { benchmark in
            let dir = NSTemporaryDirectory() + "mamori-alloc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            guard let writer = try? StoreWriter(configuration: .init(path: dir + "/bench.db", capacity: 1 << 20,
                                                                     capacityBytes: 1 << 30,
                                                                     retention: .keepEverything)) else { return }
            let pipeline = Streams.pipeline(writer: writer)
            var decoder = RecordDecoder()
            for r in Streams.setupRecords + stream.prefix(Streams.warmUpCount(stream)) {
                r.withUnsafeBytes { if let e = try? decoder.decode($0) { pipeline.process(e) } }
            }
            writer.flush()
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations {
                Streams.measured(stream, i).withUnsafeBytes { raw in
                    if let e = try? decoder.decode(raw) { pipeline.process(e) }
                }
            }
            writer.flush()
            benchmark.stopMeasurement()
            writer.close()
        }
    }
}
