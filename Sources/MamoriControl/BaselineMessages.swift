/// `baseline.reset` arguments: the profile to forget (a unit, `cgroup:PATH` or `interactive`).
/// Sendable value.
public struct BaselineResetRequest: Codable, Sendable, Equatable {
    public var unit: String
    public init(unit: String) { self.unit = unit }
}

/// Reply to `baseline.reset`: the profile forgotten and what it held. Sendable value.
public struct BaselineResetResult: Codable, Sendable, Equatable {
    public var unit: String
    /// The state the profile was in (`learning`, `stable`, `enforced`).
    public var previousState: String
    public var itemsForgotten: Int
    public init(unit: String, previousState: String, itemsForgotten: Int) {
        self.unit = unit; self.previousState = previousState; self.itemsForgotten = itemsForgotten
    }
}
