#if canImport(Glibc)
import Glibc
#endif
import MamoriEvents

/// Where each sensor event sits in OCSF 1.4: class, category and activity ids.
///
/// Exists so the OCSF encoder and `docs/exports.md` share one mapping table, and so the
/// mapping can be tested without JSON. Kinds with no matching OCSF class (kernel prevention
/// records, tamper records, gaps) are Base Events (class 0, activity 99 "Other") with the
/// details under `unmapped.mamori`. Stateless; any thread.
public enum OCSFClassification {
    /// OCSF schema version the documents follow (`metadata.version`).
    public static let schemaVersion: StaticString = "1.4.0"

    /// The class and activity of one event.
    public struct Placement: Equatable, Sendable {
        public var classUid: Int
        public var categoryUid: Int
        public var activityId: Int
        /// `type_uid`: class_uid × 100 + activity_id.
        public var typeUid: Int { classUid * 100 + activityId }
    }

    public static let processActivity = 1007
    public static let fileActivity = 1001
    public static let networkActivity = 4001
    public static let dnsActivity = 4003
    public static let detectionFinding = 2004
    public static let baseEvent = 0

    /// Class and activity for an event line (not an alert).
    public static func placement(of event: SensorEvent) -> Placement {
        switch event {
        case .exec, .fork:
            return Placement(classUid: processActivity, categoryUid: 1, activityId: 1)   // Launch
        case .exit:
            return Placement(classUid: processActivity, categoryUid: 1, activityId: 2)   // Terminate
        case .network(let e):
            return Placement(classUid: networkActivity, categoryUid: 4, activityId: networkActivityId(e))
        case .file(let e):
            return Placement(classUid: fileActivity, categoryUid: 1, activityId: fileActivityId(e.op))
        case .dns(let e):
            // DNS Activity: Query 1, Response 2.
            return Placement(classUid: dnsActivity, categoryUid: 4, activityId: e.direction == .query ? 1 : 2)
        case .action, .tamper, .activity, .gap:
            return Placement(classUid: baseEvent, categoryUid: 0, activityId: 99)
        }
    }

    /// Detection Finding, activity Create: every alert line.
    public static let finding = Placement(classUid: detectionFinding, categoryUid: 2, activityId: 1)

    /// Network Activity: Open (connect/accept), Refuse, Fail, Traffic (UDP send), Listen.
    static func networkActivityId(_ e: NetworkEvent) -> Int {
        switch e.op {
        case .accept: return 1
        case .listen: return 7
        case .send: return 6
        case .connect:
            switch -e.result {
            case 0, EINPROGRESS: return 1   // connected, or still connecting (non-blocking)
            case ECONNREFUSED: return 5
            default: return 4
            }
        }
    }

    /// File System Activity: Create 1, Update 3, Delete 4, Rename 5, Set Security 7, Open 14.
    static func fileActivityId(_ op: FileOp) -> Int {
        switch op {
        case .create: return 1
        case .openWrite, .truncate: return 3
        case .unlink: return 4
        case .rename: return 5
        case .chmod, .chown: return 7
        case .openRead: return 14
        }
    }

    /// DNS Activity `rcode_id`: the wire RCODE where OCSF enumerates it (0-11, 16-23), else 99 Other.
    static func dnsResponseCodeId(_ code: UInt8) -> Int {
        switch code {
        case 0...11, 16...23: return Int(code)
        default: return 99
        }
    }

    /// `dns_query.opcode_id`: the wire OPCODE where OCSF enumerates it (0-6), else 99 Other.
    static func dnsOpcodeId(_ opcode: UInt8) -> Int { opcode <= 6 ? Int(opcode) : 99 }

    /// `severity_id` for a severity word (1 Informational ... 5 Critical; 0 Unknown).
    public static func severityId(_ word: String) -> Int {
        switch word {
        case "informational": return 1
        case "low": return 2
        case "medium": return 3
        case "high": return 4
        case "critical": return 5
        default: return 0
        }
    }
}
