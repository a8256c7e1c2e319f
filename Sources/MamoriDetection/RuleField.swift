/// Every field name a rule may use, resolved once at compile time so the matcher switches on a
/// small integer instead of comparing names per event.
///
/// Sigma's Linux field names (Sysmon for Linux schema) plus Mamori's extensions. Fields of that
/// schema that Linux cannot provide (`OriginalFileName`, `DestinationHostname`, ...) are known
/// but `unavailable`: they never match, and a rule that needs one is loaded as degraded.
/// Immutable; any thread may use it.
enum RuleField: UInt8, CaseIterable, Sendable {
    // Process fields, available in every category (non-exec events take them from the process
    // record of the acting process).
    case image, commandLine, parentImage, parentCommandLine, currentDirectory, user, logonId
    case processId, parentProcessId, parentUser
    // Mamori extensions.
    case ancestorImage, ancestorCommandLine, processUnit, ancestorUnit
    /// Mamori: the ancestors inside the acting process's lineage only: parent first, up to and
    /// including the lineage root (session leader or service main process, `LineageKeys`). A
    /// build tool or script runner *above* a new session (`setsid`, a login, a service) did not
    /// run that session's commands, so exclusions judged here follow the same key thresholds
    /// count by.
    case lineageAncestorImage, lineageAncestorCommandLine
    case stdinType, stdoutType, stderrType
    /// Mamori: the well-known tool the executable is a byte-for-byte copy of ("bash", "nc"), by
    /// content, whatever its name; and which kernel bounds the event hit ("exe", "args", "cwd",
    /// "path", "path2", comma-separated): deliberate padding hides the real path or argv.
    case imageIdentity, truncated
    /// Mamori: "true" when only root could have put the executable where it is (root-owned
    /// file and directories, writable by nobody else: `ImageProtection`), "false" otherwise;
    /// absent when not judged. Exclusions by program name require it (issue 13).
    case imageProtected
    // network_connection.
    case destinationIp, destinationPort, sourceIp, sourcePort, initiated, networkProtocol
    case sourceIsIpv6, destinationIsIpv6
    /// Mamori: how a connect ended (success, refused, unreachable, timeout, in-progress, failed).
    case connectResult
    // file_*.
    case targetFilename, sourceFilename, fileOperation, fileMode, fileExecutable
    // tamper (Mamori's own category).
    case tamperKind, signal, tamperRequest, signalSource
    // activity (Mamori's own category): the acting process's effect on a target.
    case activityType, targetProcessId, targetImage, targetIsDescendant, procEntry, accessMode
    case sysctlName, activityPath, activitySource, fsType, timesExplicit, activityResult
    /// activity: the capabilities a security.capability write grants (`cap_setuid,...`) and
    /// the inode flags an ioctl sets (`immutable,append`).
    case fileCapabilities, fileAttributes
    /// process_creation: what backs the executable ("file", "deleted", "memfd").
    case imageBacking
    /// file_delete: the deleted path is the executable of the acting process or an ancestor.
    case targetIsOwnImage
    /// process_creation: the dynamic-loader variables of the new environment
    /// (LD_PRELOAD/LD_AUDIT/LD_LIBRARY_PATH entries, one "NAME=value" per line).
    case loaderEnvironment
    /// file_delete: the deleted path is the executable of a process that is still running.
    case targetIsRunningImage
    /// activity (unshare, setns): the namespace kinds created or joined ("user,mnt").
    case namespaces
    /// activity (setns): "initial" when the joined namespace is the host's (initial) one and
    /// the caller was in another (a container escape), "same" when nothing changed, else "other".
    case namespaceTarget
    // pipeline (Mamori's own category): the process writing the reader's stdin.
    case stdinWriterImage, stdinWriterCommandLine, stdinWriterUser
    // dns_query (Sysmon names; Zeek-style and ECS aliases in `aliases`).
    case queryName, queryType, queryStatus, queryResults, dnsType, queryParent
    /// Mamori: longest label of the question name, and the name's length (tunnelling shape).
    case queryLongestLabel, queryLength
    /// Mamori: Shannon entropy of the name below its registered parent, in tenths of a bit per
    /// character (random base32/hex payloads score about 40-50, words about 25-35).
    case queryEntropy
    /// dns_query, Mamori: the DNS server is one of the host's configured resolvers
    /// (`nameserver` lines of /etc/resolv.conf, read at start and reload).
    case dnsServerIsConfigured
    /// network_connection, Mamori: the destination lies in `detection.local_networks`.
    case destinationIsLocal
    // Known to Sigma, not observable by the sensor.
    case originalFileName, product, fileDescription, company, fileVersion, hashes, integrityLevel
    case logonGuid, terminalSessionId, processGuid, parentProcessGuid, utcTime
    case destinationHostname, sourceHostname, destinationPortName, sourcePortName, creationUtcTime
    /// Pseudo field of keyword selections: any string field of the category.
    case keywords

    static let count = RuleField.allCases.count

    /// How the value of a field is produced and compared.
    enum Kind {
        /// Text, matched with string patterns (case-folded unless `cased`).
        case text
        /// An unsigned integer; string patterns see its decimal text.
        case number
        /// An IP address; `cidr` and exact addresses compare bytes, other patterns see its text.
        case ip
        /// One text value per ancestor; the test holds when any ancestor's value matches.
        case ancestors
        /// Never has a value on Linux.
        case unavailable
        /// Expands to every text field of the category.
        case keywords
    }

    var kind: Kind {
        switch self {
        case .logonId, .processId, .parentProcessId, .destinationPort, .sourcePort, .targetProcessId,
             .queryLongestLabel, .queryLength, .queryEntropy: return .number
        case .destinationIp, .sourceIp: return .ip
        case .ancestorImage, .ancestorCommandLine, .ancestorUnit,
             .lineageAncestorImage, .lineageAncestorCommandLine: return .ancestors
        case .originalFileName, .product, .fileDescription, .company, .fileVersion, .hashes,
             .integrityLevel, .logonGuid, .terminalSessionId, .processGuid, .parentProcessGuid,
             .utcTime, .sourceHostname, .destinationPortName,
             .sourcePortName, .creationUtcTime:
            return .unavailable
        case .keywords: return .keywords
        default: return .text
        }
    }

    /// The Sigma name, as written in rules.
    var name: String {
        switch self {
        case .image: return "Image"
        case .commandLine: return "CommandLine"
        case .parentImage: return "ParentImage"
        case .parentCommandLine: return "ParentCommandLine"
        case .currentDirectory: return "CurrentDirectory"
        case .user: return "User"
        case .logonId: return "LogonId"
        case .processId: return "ProcessId"
        case .parentProcessId: return "ParentProcessId"
        case .parentUser: return "ParentUser"
        case .ancestorImage: return "AncestorImage"
        case .ancestorCommandLine: return "AncestorCommandLine"
        case .processUnit: return "ProcessUnit"
        case .ancestorUnit: return "AncestorUnit"
        case .lineageAncestorImage: return "LineageAncestorImage"
        case .lineageAncestorCommandLine: return "LineageAncestorCommandLine"
        case .stdinType: return "StdinType"
        case .stdoutType: return "StdoutType"
        case .stderrType: return "StderrType"
        case .imageIdentity: return "ImageIdentity"
        case .truncated: return "Truncated"
        case .imageProtected: return "ImageProtected"
        case .destinationIp: return "DestinationIp"
        case .destinationPort: return "DestinationPort"
        case .sourceIp: return "SourceIp"
        case .sourcePort: return "SourcePort"
        case .initiated: return "Initiated"
        case .networkProtocol: return "Protocol"
        case .sourceIsIpv6: return "SourceIsIpv6"
        case .destinationIsIpv6: return "DestinationIsIpv6"
        case .connectResult: return "ConnectResult"
        case .targetFilename: return "TargetFilename"
        case .sourceFilename: return "SourceFilename"
        case .fileOperation: return "FileOperation"
        case .fileMode: return "FileMode"
        case .fileExecutable: return "FileExecutable"
        case .tamperKind: return "TamperKind"
        case .signal: return "Signal"
        case .tamperRequest: return "TamperRequest"
        case .signalSource: return "SignalSource"
        case .activityType: return "ActivityType"
        case .targetProcessId: return "TargetProcessId"
        case .targetImage: return "TargetImage"
        case .targetIsDescendant: return "TargetIsDescendant"
        case .procEntry: return "ProcEntry"
        case .accessMode: return "AccessMode"
        case .sysctlName: return "SysctlName"
        case .activityPath: return "ActivityPath"
        case .activitySource: return "ActivitySource"
        case .fsType: return "FsType"
        case .timesExplicit: return "TimesExplicit"
        case .activityResult: return "ActivityResult"
        case .fileCapabilities: return "FileCapabilities"
        case .fileAttributes: return "FileAttributes"
        case .imageBacking: return "ImageBacking"
        case .targetIsOwnImage: return "TargetIsOwnImage"
        case .loaderEnvironment: return "LoaderEnvironment"
        case .targetIsRunningImage: return "TargetIsRunningImage"
        case .namespaces: return "Namespaces"
        case .namespaceTarget: return "NamespaceTarget"
        case .stdinWriterImage: return "StdinWriterImage"
        case .stdinWriterCommandLine: return "StdinWriterCommandLine"
        case .stdinWriterUser: return "StdinWriterUser"
        case .queryName: return "QueryName"
        case .queryEntropy: return "QueryEntropy"
        case .dnsServerIsConfigured: return "DnsServerIsConfigured"
        case .queryType: return "QueryType"
        case .queryStatus: return "QueryStatus"
        case .queryResults: return "QueryResults"
        case .dnsType: return "DnsType"
        case .queryParent: return "QueryParent"
        case .queryLongestLabel: return "QueryLongestLabel"
        case .queryLength: return "QueryLength"
        case .destinationIsLocal: return "DestinationIsLocal"
        case .originalFileName: return "OriginalFileName"
        case .product: return "Product"
        case .fileDescription: return "Description"
        case .company: return "Company"
        case .fileVersion: return "FileVersion"
        case .hashes: return "Hashes"
        case .integrityLevel: return "IntegrityLevel"
        case .logonGuid: return "LogonGuid"
        case .terminalSessionId: return "TerminalSessionId"
        case .processGuid: return "ProcessGuid"
        case .parentProcessGuid: return "ParentProcessGuid"
        case .utcTime: return "UtcTime"
        case .destinationHostname: return "DestinationHostname"
        case .sourceHostname: return "SourceHostname"
        case .destinationPortName: return "DestinationPortName"
        case .sourcePortName: return "SourcePortName"
        case .creationUtcTime: return "CreationUtcTime"
        case .keywords: return "(keywords)"
        }
    }

    /// Other spellings of the same fields: Zeek/Sigma `dns` names and ECS dotted names.
    static let aliases: [String: RuleField] = [
        "query": .queryName, "dns.question.name": .queryName,
        "qtype_name": .queryType, "dns.question.type": .queryType,
        "rcode_name": .queryStatus, "dns.response_code": .queryStatus,
        "answer": .queryResults, "answers": .queryResults, "dns.resolved_ip": .queryResults,
        "dns.type": .dnsType, "dns.question.registered_domain": .queryParent,
        "destination.domain": .destinationHostname, "destination.is_local": .destinationIsLocal,
    ]

    private static let byName: [String: RuleField] = {
        var map: [String: RuleField] = [:]
        for field in RuleField.allCases where field != .keywords { map[field.name] = field }
        for (alias, field) in aliases { map[alias] = field }
        return map
    }()

    /// Resolves a field name for a category: `.success` with the field, `.failure` with the
    /// reason it cannot be used there.
    static func resolve(_ name: String, in category: RuleCategory) -> Result<RuleField, FieldError> {
        guard let field = byName[name] else { return .failure(.unknown(name, category)) }
        return field.isUsable(in: category) ? .success(field) : .failure(.wrongCategory(field, category))
    }

    /// Whether rules of `category` may name this field.
    func isUsable(in category: RuleCategory) -> Bool {
        switch self {
        case .destinationIp, .destinationPort, .sourceIp, .sourcePort, .networkProtocol,
             .sourceIsIpv6, .destinationIsIpv6, .destinationIsLocal:
            // DNS events have endpoints too: the client socket and the DNS server.
            return category == .networkConnection || category == .dnsQuery
        case .initiated, .connectResult, .destinationHostname, .sourceHostname,
             .destinationPortName, .sourcePortName:
            return category == .networkConnection
        case .queryName, .queryType, .queryStatus, .queryResults, .dnsType, .queryParent,
             .queryLongestLabel, .queryLength, .queryEntropy, .dnsServerIsConfigured:
            return category == .dnsQuery
        case .targetFilename, .sourceFilename, .fileOperation, .fileMode, .fileExecutable,
             .creationUtcTime:
            return category.isFile
        case .signal:
            return category == .tamper || category == .activity
        case .tamperKind, .tamperRequest, .signalSource:
            return category == .tamper
        case .activityType, .targetProcessId, .targetImage, .targetIsDescendant, .procEntry, .accessMode,
             .sysctlName, .activityPath, .activitySource, .fsType, .timesExplicit, .activityResult,
             .fileCapabilities, .fileAttributes:
            return category == .activity
        case .imageBacking, .loaderEnvironment:
            return category == .processCreation
        case .namespaces, .namespaceTarget:
            return category == .activity
        case .targetIsOwnImage, .targetIsRunningImage:
            return category == .fileDelete
        case .stdinWriterImage, .stdinWriterCommandLine, .stdinWriterUser:
            return category == .pipeline
        default:
            return true
        }
    }

    /// Text fields searched by keyword selections, per category.
    static func keywordFields(for category: RuleCategory) -> [RuleField] {
        let process: [RuleField] = [.image, .commandLine, .parentImage, .parentCommandLine,
                                    .currentDirectory, .user]
        switch category {
        case .processCreation: return process
        case .networkConnection: return [.image, .commandLine, .destinationIp, .sourceIp, .destinationHostname, .user]
        case .dnsQuery: return [.queryName, .queryResults, .image, .commandLine, .user]
        case .tamper: return [.tamperKind, .signal, .tamperRequest, .image, .commandLine, .user]
        case .pipeline: return [.image, .commandLine, .stdinWriterImage, .stdinWriterCommandLine, .user]
        case .activity: return [.activityType, .activityPath, .targetImage, .image, .commandLine, .user]
        default: return [.targetFilename, .sourceFilename, .image, .commandLine, .user]
        }
    }

    /// Why a field name was refused.
    enum FieldError: Error {
        case unknown(String, RuleCategory)
        case wrongCategory(RuleField, RuleCategory)

        var message: String {
            switch self {
            case .unknown(let name, let category):
                return "unknown field '\(name)' for \(category) (see docs/rules.md for the supported fields)"
            case .wrongCategory(let field, let category):
                return "field '\(field.name)' is not available in \(category) rules"
            }
        }
    }
}
