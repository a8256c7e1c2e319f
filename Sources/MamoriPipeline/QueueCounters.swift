import Atomics

/// The atomic words of one `EventQueue`, each group on its own cache-line pair.
///
/// Exists so the producer's writes (tail, drop counter, high-water mark) and the consumer's
/// writes (head) never share a cache line: with a `ManagedAtomic` per word the allocator may put
/// them side by side and every push would bounce the consumer's line. 128-byte spacing also
/// defeats the adjacent-line prefetcher on x86.
///
/// Not a thread-safety boundary on its own: `EventQueue` documents which thread writes which
/// word. The owner must call `deallocate()` exactly once.
@usableFromInline
struct QueueCounters {
    private static let stride = 128
    private let base: UnsafeMutableRawPointer

    /// Index of the next slot the producer writes; also the count of accepted pushes.
    @usableFromInline let tail: UnsafeAtomic<Int>
    /// Pushes refused because the queue was full. Written by the producer only.
    @usableFromInline let dropped: UnsafeAtomic<Int>
    /// Deepest the queue has been, as seen by the producer right after a push.
    @usableFromInline let highWater: UnsafeAtomic<Int>
    /// Index of the next slot the consumer reads; also the count of pops.
    @usableFromInline let head: UnsafeAtomic<Int>
    /// 1 while the consumer is (about to be) blocked on the semaphore.
    @usableFromInline let parked: UnsafeAtomic<Int>
    /// 1 once `close()` was called.
    @usableFromInline let closed: UnsafeAtomic<Int>
    /// Number of times the consumer actually blocked (diagnostics).
    @usableFromInline let parks: UnsafeAtomic<Int>

    @usableFromInline init() {
        let lines = 3
        base = UnsafeMutableRawPointer.allocate(byteCount: lines * Self.stride, alignment: Self.stride)
        let perLine = Self.stride / MemoryLayout<UnsafeAtomic<Int>.Storage>.stride
        let words = base.bindMemory(to: UnsafeAtomic<Int>.Storage.self, capacity: lines * perLine)
        words.initialize(repeating: UnsafeAtomic<Int>.Storage(0), count: lines * perLine)
        // Line 0: producer-written. Line 1: consumer-written. Line 2: rarely written.
        tail = UnsafeAtomic(at: words)
        dropped = UnsafeAtomic(at: words + 1)
        highWater = UnsafeAtomic(at: words + 2)
        head = UnsafeAtomic(at: words + perLine)
        parks = UnsafeAtomic(at: words + perLine + 1)
        parked = UnsafeAtomic(at: words + 2 * perLine)
        closed = UnsafeAtomic(at: words + 2 * perLine + 1)
    }

    /// Frees the storage. Call once, when no thread can touch the queue any more.
    @usableFromInline func deallocate() {
        // Int storage is trivial: no per-word disposal needed.
        base.deallocate()
    }
}
