import Foundation

/// Runs blocking work (BPF loading through the verifier, the agent's worker loop) on a thread
/// of its own and awaits the result, so it never occupies a thread of Swift's cooperative
/// pool (which has one thread per core: two here). Any task may call it.
public enum DedicatedThread {
    public static func run<T: Sendable>(name: String,
                                        _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = 8 << 20  // like a main thread: rule compilation recurses
            thread.start()
        }
    }
}
