import MamoriDetection

/// What one prevention action did: done, failed with an errno, refused (and why), or only
/// simulated, with the latency from the kernel event to the signal.
///
/// Exists so the agent can record every action and its result in the alert
/// (`mamori.response`) and the store. An immutable value; any thread.
public struct ActionResult: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How the action ended.
    public enum Outcome: Sendable, Equatable, Codable {
        case done
        case failed(errno: Int32)
        case refused(String)
        case simulated
    }

    /// Which action was taken (a kill-tree reports one `kill` per process, `stop` during sweeps).
    public enum Action: String, Sendable, Codable {
        case kill, stop, freeze, thaw, killFrozen = "kill-frozen", quarantine
    }

    public var action: Action
    public var pid: UInt32
    public var outcome: Outcome
    /// CLOCK_BOOTTIME ns from the triggering kernel event to the signal (nil without an event time).
    public var latencyNs: UInt64?
    public var detail: String?

    public init(action: Action, pid: UInt32, outcome: Outcome, latencyNs: UInt64? = nil, detail: String? = nil) {
        self.action = action; self.pid = pid; self.outcome = outcome; self.latencyNs = latencyNs; self.detail = detail
    }

    public var isDone: Bool { outcome == .done }

    public var description: String {
        let what: String
        switch outcome {
        case .done: what = "done"
        case .failed(let e): what = "failed: \(String(cString: strerror(e)))"
        case .refused(let why): what = "refused: \(why)"
        case .simulated: what = "simulated"
        }
        return "\(action.rawValue) pid \(pid): \(what)\(latencyNs.map { " after \($0 / 1000) µs" } ?? "")"
    }
}

import Foundation
