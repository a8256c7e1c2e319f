import Dispatch
import Foundation
import Testing
@testable import MamoriPipeline

/// Runs `body` on a dedicated OS thread (not the cooperative pool, like the poller and worker)
/// and returns a semaphore that is signalled when it finishes.
private func startThread(_ name: String, _ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.name = name
    thread.start()
    return done
}

/// Keeps the optimiser from deleting the producer's simulated work.
@inline(never) private func blackHole(_ value: Int) { _ = value }

/// Holds what one thread produced until the test reads it after joining that thread.
// SAFETY: written by exactly one thread before it signals completion, read only after the
// test has waited for that signal (the semaphore orders the accesses).
private final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Two real threads, the way the poller and the worker use the queue. Serialized so the stress
/// tests do not compete with each other for the CPUs (which would make them test the scheduler).
@Suite(.serialized) struct EventQueueConcurrencyTests {
    /// The consumer's loop: batch pops, park when empty, stop when closed and drained.
    private static func consume(_ queue: EventQueue<Int>, _ body: (Int) -> Void) {
        var batch: [Int] = []
        batch.reserveCapacity(64)
        while true {
            batch.removeAll(keepingCapacity: true)
            if queue.popBatch(into: &batch, max: 64) > 0 {
                batch.forEach(body)
                continue
            }
            if !queue.waitForElements(timeout: .seconds(10)) && queue.isClosed {
                while let value = queue.pop() { body(value) }
                return
            }
        }
    }

    @Test func stressDroppingProducer() {
        let produced = 2_000_000
        let queue = EventQueue<Int>(capacity: 64)
        let received = Box((count: 0, last: -1, ordered: true))
        let drops = Box(0)

        let consumerReady = DispatchSemaphore(value: 0)
        let consumerDone = startThread("consumer") {
            consumerReady.signal()
            Self.consume(queue) { value in
                if value <= received.value.last { received.value.ordered = false }
                received.value.last = value
                received.value.count += 1
            }
        }
        let producerDone = startThread("producer") {
            consumerReady.wait()
            var work = 0
            for i in 0..<produced {
                if !queue.tryPush(i) { drops.value += 1 }
                // Decoding work between records, so both full and empty phases occur.
                for step in 0..<(i & 31) { work &+= step }
            }
            blackHole(work)
            queue.close()
        }
        producerDone.wait()
        consumerDone.wait()

        let stats = queue.stats
        // Every item arrived exactly once and in order, or was counted as dropped.
        #expect(received.value.ordered)
        #expect(received.value.count + drops.value == produced)
        #expect(stats.dropped == UInt64(drops.value))
        #expect(stats.pushed == UInt64(received.value.count))
        #expect(stats.popped == stats.pushed)
        #expect(stats.offered == UInt64(produced))
        #expect(stats.depth == 0)
        #expect(stats.highWaterMark <= 64)
    }

    @Test func stressRetryingProducerDeliversEverything() {
        let produced = 1_000_000
        let queue = EventQueue<Int>(capacity: 16)
        let received = Box((count: 0, mismatches: 0))

        let consumerDone = startThread("consumer") {
            Self.consume(queue) { value in
                if value != received.value.count { received.value.mismatches += 1 }
                received.value.count += 1
            }
        }
        let producerDone = startThread("producer") {
            for i in 0..<produced {
                while !queue.tryPush(i) { sched_yield() }
            }
            queue.close()
        }
        producerDone.wait()
        consumerDone.wait()

        #expect(received.value.count == produced)
        #expect(received.value.mismatches == 0)
        #expect(queue.stats.pushed == UInt64(produced))
        #expect(queue.stats.dropped == queue.stats.offered - UInt64(produced))
    }

    @Test func parkedConsumerWakesOnPush() {
        let queue = EventQueue<Int>(capacity: 8)
        let result = Box<(woke: Bool, value: Int?)>((false, nil))
        let consumerDone = startThread("consumer") {
            let woke = queue.waitForElements()  // no timeout: only a push can end this wait
            result.value = (woke, queue.pop())
        }
        // Wait (bounded) until the consumer has really parked on the semaphore.
        for _ in 0..<5_000 where queue.stats.consumerParks == 0 { usleep(1_000) }
        #expect(queue.stats.consumerParks == 1)

        #expect(queue.tryPush(42))
        #expect(consumerDone.wait(timeout: .now() + 10) == .success)
        #expect(result.value.woke)
        #expect(result.value.value == 42)
    }

    @Test func parkedConsumerWakesOnClose() {
        let queue = EventQueue<Int>(capacity: 8)
        let woke = Box<Bool?>(nil)
        let consumerDone = startThread("consumer") {
            woke.value = queue.waitForElements()
        }
        for _ in 0..<5_000 where queue.stats.consumerParks == 0 { usleep(1_000) }
        queue.close()
        #expect(consumerDone.wait(timeout: .now() + 10) == .success)
        #expect(woke.value == false)
        #expect(queue.isClosed)
    }

    @Test func repeatedParkAndWakeNeverLosesAWakeup() {
        // Ping-pong: each item is pushed only after the consumer has taken the previous one, so
        // the consumer parks often and a single lost wakeup would hang (caught by the timeout).
        let rounds = 2_000
        let queue = EventQueue<Int>(capacity: 2)
        let ack = EventQueue<Int>(capacity: 2)
        let sum = Box(0)
        let consumerDone = startThread("consumer") {
            for _ in 0..<rounds {
                guard queue.waitForElements(timeout: .seconds(10)), let value = queue.pop() else { return }
                sum.value += value
                ack.tryPush(value)
            }
        }
        var acknowledged = 0
        for i in 0..<rounds {
            #expect(queue.tryPush(i))
            guard ack.waitForElements(timeout: .seconds(10)), ack.pop() == i else { break }
            acknowledged += 1
        }
        #expect(consumerDone.wait(timeout: .now() + 10) == .success)
        #expect(acknowledged == rounds)
        #expect(sum.value == rounds * (rounds - 1) / 2)
    }
}
