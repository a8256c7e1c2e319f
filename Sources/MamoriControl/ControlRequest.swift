/// One request of the control protocol, with its typed arguments.
///
/// Exists so that the agent switches over a closed set of requests instead of parsing JSON.
/// Wire form (one line): `{"v":1,"op":"level.set","args":{...}}` (docs/control.md).
/// Sendable value; any thread.
public enum ControlRequest: Sendable, Equatable {
    case status
    case levelGet
    case levelSet(LevelSetRequest)
    case levelSimulate(SimulateRequest)
    case isolate(IsolateRequest)
    case quarantineList
    case quarantineAdd(QuarantineAddRequest)
    case quarantineRestore(QuarantineRestoreRequest)
    case response(ResponseVerb, ResponseRequest)
    case reload
    case alertsFollow
    case baselineReset(BaselineResetRequest)

    public var operation: ControlOperation {
        switch self {
        case .status: return .status
        case .levelGet: return .levelGet
        case .levelSet: return .levelSet
        case .levelSimulate: return .levelSimulate
        case .isolate: return .isolate
        case .quarantineList: return .quarantineList
        case .quarantineAdd: return .quarantineAdd
        case .quarantineRestore: return .quarantineRestore
        case .response(let verb, _): return verb.operation
        case .reload: return .reload
        case .alertsFollow: return .alertsFollow
        case .baselineReset: return .baselineReset
        }
    }
}

/// One successful answer, typed by what was asked. Wire form:
/// `{"v":1,"ok":true,"op":"<kind>","result":{...}}`; stream lines of `alerts.follow` use the kind
/// `alert`. Sendable value; any thread.
public enum ControlReply: Sendable, Equatable {
    case status(StatusReport)
    case level(LevelState)
    case levelChanged(LevelChange)
    case simulation(SimulationReport)
    case isolation(IsolationState)
    case quarantineList([QuarantineItem])
    case quarantined(QuarantineItem)
    case restored(QuarantineRestored)
    case response(ResponseOutcome)
    case reloaded(ReloadResult)
    case following(FollowStarted)
    case alert(AlertNotice)
    case baselineReset(BaselineResetResult)

    /// The `op` written with the reply: the operation it answers, or `alert`.
    public var kind: String {
        switch self {
        case .status: return ControlOperation.status.rawValue
        case .level: return ControlOperation.levelGet.rawValue
        case .levelChanged: return ControlOperation.levelSet.rawValue
        case .simulation: return ControlOperation.levelSimulate.rawValue
        case .isolation: return ControlOperation.isolate.rawValue
        case .quarantineList: return ControlOperation.quarantineList.rawValue
        case .quarantined: return ControlOperation.quarantineAdd.rawValue
        case .restored: return ControlOperation.quarantineRestore.rawValue
        case .response(let o): return o.verb.operation.rawValue
        case .reloaded: return ControlOperation.reload.rawValue
        case .following: return ControlOperation.alertsFollow.rawValue
        case .alert: return ControlReply.alertKind
        case .baselineReset: return ControlOperation.baselineReset.rawValue
        }
    }

    /// The `op` of each streamed alert line.
    public static let alertKind = "alert"
}
