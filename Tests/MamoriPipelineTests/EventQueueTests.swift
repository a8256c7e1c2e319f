import Dispatch
import Foundation
import Testing
@testable import MamoriPipeline

/// Single-threaded behaviour of the queue: ordering, capacity, drops, wrap-around, accounting.
@Suite struct EventQueueTests {
    @Test func capacityRoundsUpToPowerOfTwo() {
        #expect(EventQueue<Int>(capacity: 1).capacity == 2)
        #expect(EventQueue<Int>(capacity: 5).capacity == 8)
        #expect(EventQueue<Int>(capacity: 64).capacity == 64)
        #expect(EventQueue<Int>(capacity: 1000).capacity == 1024)
    }

    @Test func popsInFIFOOrder() {
        let queue = EventQueue<Int>(capacity: 16)
        #expect(queue.pop() == nil)
        for i in 0..<10 { #expect(queue.tryPush(i)) }
        #expect(queue.count == 10)
        for i in 0..<10 { #expect(queue.pop() == i) }
        #expect(queue.pop() == nil)
        #expect(queue.count == 0)
    }

    @Test func fullQueueDropsAndCounts() {
        let queue = EventQueue<String>(capacity: 4)
        for i in 0..<4 { #expect(queue.tryPush("e\(i)")) }
        #expect(!queue.tryPush("x1"))
        #expect(!queue.tryPush("x2"))
        #expect(!queue.tryPush("x3"))
        var stats = queue.stats
        #expect(stats.pushed == 4)
        #expect(stats.dropped == 3)
        #expect(stats.offered == 7)
        #expect(stats.depth == 4)
        #expect(stats.highWaterMark == 4)

        // Making room lets pushes through again; dropped elements are really gone.
        #expect(queue.pop() == "e0")
        #expect(queue.tryPush("e4"))
        var drained: [String] = []
        #expect(queue.popBatch(into: &drained, max: 100) == 4)
        #expect(drained == ["e1", "e2", "e3", "e4"])
        stats = queue.stats
        #expect(stats.pushed == 5)
        #expect(stats.popped == 5)
        #expect(stats.dropped == 3)
        #expect(stats.depth == 0)
        #expect(stats.highWaterMark == 4)
    }

    @Test func wrapsAroundManyTimes() {
        let queue = EventQueue<Int>(capacity: 4)
        var next = 0, expected = 0
        // Interleave pushes and pops so head and tail cross the slot array ~250 times.
        for round in 0..<1000 {
            let pushes = round % 4 + 1
            for _ in 0..<pushes where queue.tryPush(next) { next += 1 }
            let pops = (round + 1) % 4 + 1
            for _ in 0..<pops {
                guard let value = queue.pop() else { break }
                #expect(value == expected)
                expected += 1
            }
        }
        while let value = queue.pop() {
            #expect(value == expected)
            expected += 1
        }
        #expect(expected == next)
        #expect(queue.stats.pushed == UInt64(next))
        #expect(queue.stats.popped == UInt64(next))
        #expect(queue.stats.highWaterMark <= 4)
    }

    @Test func popBatchRespectsMaxAndAppends() {
        let queue = EventQueue<Int>(capacity: 8)
        for i in 0..<6 { queue.tryPush(i) }
        var batch = [-1]
        #expect(queue.popBatch(into: &batch, max: 4) == 4)
        #expect(batch == [-1, 0, 1, 2, 3])
        #expect(queue.popBatch(into: &batch, max: 4) == 2)
        #expect(batch == [-1, 0, 1, 2, 3, 4, 5])
        #expect(queue.popBatch(into: &batch, max: 4) == 0)
    }

    @Test func releasesQueuedElementsOnDeinit() {
        final class Token: @unchecked Sendable {
            let onDeinit: () -> Void
            init(_ onDeinit: @escaping () -> Void) { self.onDeinit = onDeinit }
            deinit { onDeinit() }
        }
        var released = 0
        do {
            let queue = EventQueue<Token>(capacity: 4)
            for _ in 0..<6 { queue.tryPush(Token { released += 1 }) }  // two dropped at once
            #expect(released == 2)
            _ = queue.pop()
            #expect(released == 3)
        }
        #expect(released == 6)
    }

    @Test func waitTimesOutOnEmptyQueue() {
        let queue = EventQueue<Int>(capacity: 4)
        #expect(!queue.waitForElements(timeout: .milliseconds(20)))
        #expect(!queue.isClosed)
        // A timed-out park leaves the semaphore balanced: the next wait sees a push at once.
        queue.tryPush(7)
        #expect(queue.waitForElements(timeout: .seconds(5)))
        #expect(queue.pop() == 7)
    }

    @Test func waitReturnsAtOnceWhenElementsOrClosed() {
        let queue = EventQueue<Int>(capacity: 4)
        queue.tryPush(1)
        #expect(queue.waitForElements())
        #expect(queue.pop() == 1)
        queue.close()
        #expect(queue.isClosed)
        #expect(!queue.waitForElements())
    }

    @Test func durationConversion() {
        #expect(EventQueue<Int>.nanoseconds(.milliseconds(3)) == 3_000_000)
        #expect(EventQueue<Int>.nanoseconds(.seconds(2)) == 2_000_000_000)
        #expect(EventQueue<Int>.nanoseconds(.seconds(-1)) == 0)
        #expect(EventQueue<Int>.nanoseconds(.seconds(Int64.max)) == Int.max)
    }
}
