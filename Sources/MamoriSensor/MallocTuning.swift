import Glibc

/// Process-wide glibc malloc settings for the agent, applied once at start.
///
/// Exists because glibc gives every thread that allocates its own arena (64 MiB reserved,
/// touched pages kept after a storm): the agent's poller, worker, store writer and Swift's
/// pool threads each grew one, ~10 MiB of RSS in a file storm. Two arenas are enough for a
/// handful of threads that mostly hand buffers to each other. Call from any thread before the
/// agent's threads start (`Agent.start`); later calls are harmless.
public enum MallocTuning {
    /// glibc's `M_ARENA_MAX` (malloc.h; not exported by Swift's Glibc module).
    static let arenaMaxParameter: Int32 = -8

    /// Limits glibc to `arenas` malloc arenas (M_ARENA_MAX). Returns false if glibc refused.
    @discardableResult
    public static func limitArenas(_ arenas: Int32 = 2) -> Bool {
        typealias MalloptFn = @convention(c) (Int32, Int32) -> Int32
        guard let sym = dlsym(nil, "mallopt") else { return false }
        return unsafeBitCast(sym, to: MalloptFn.self)(arenaMaxParameter, arenas) == 1
    }

    /// Returns freed heap pages of every arena to the kernel (after a storm drained).
    @discardableResult
    public static func trim() -> Bool {
        typealias TrimFn = @convention(c) (Int) -> Int32
        guard let sym = dlsym(nil, "malloc_trim") else { return false }
        return unsafeBitCast(sym, to: TrimFn.self)(0) == 1
    }
}
