import MamoriStore

/// JSON objects of the store's rows, keyed by the schema's column names (see docs/store.md),
/// with an RFC 3339 `@timestamp` next to each wall-clock nanosecond field.
///
/// Exists so that `mamori events --json`, `alerts --json`, `incidents --json` and the story's
/// JSON agree on field names. `null` fields are left out. Stateless; any thread.
enum RowJSON {
    static func event(_ e: EventRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("id", .int(e.id))
        o.add("@timestamp", .string(TimeExpression.format(unixNs: e.tsUnixNs, fractionDigits: 6)))
        o.add("ts_unix_ns", .int(e.tsUnixNs))
        o.add("ts_ns", .int(e.tsNs))
        o.add("kind", .string(e.kind))
        o.add("action", .string(e.action))
        o.add("pid", .int(e.pid))
        o.add("ppid", .int(e.ppid))
        o.add("uid", .int(e.uid))
        o.add("entity_id", .string(e.entityId))
        o.add("parent_entity_id", .string(e.parentEntityId))
        o.add("executable", .string(e.executable))
        o.add("command_line", .string(e.commandLine))
        o.add("unit", .string(e.unit))
        o.add("path", .string(e.path))
        o.add("target_path", .string(e.targetPath))
        o.add("src_ip", .string(e.srcIP))
        o.add("src_port", .int(e.srcPort))
        o.add("dst_ip", .string(e.dstIP))
        o.add("dst_port", .int(e.dstPort))
        o.add("transport", .string(e.transport))
        o.add("result", .int(e.result))
        if e.count != 1 { o.add("count", .int(e.count)) }
        if let last = e.lastTsUnixNs { o.add("last_ts_unix_ns", .int(last)) }
        if let ecs = e.ecsJSON { o.add("ecs", .embedded(ecs)) }
        return o.value
    }

    static func process(_ p: ProcessRow) -> JSONValue {
        .object(processMembers(p))
    }

    static func processMembers(_ p: ProcessRow) -> [(String, JSONValue)] {
        var o = JSONObjectBuilder()
        o.add("entity_id", .string(p.entityId))
        o.add("pid", .int(p.pid == 0 ? nil : p.pid))
        o.add("ppid", .int(p.ppid))
        o.add("parent_entity_id", .string(p.parentEntityId))
        o.add("name", .string(StoryProcess.name(of: p)))
        o.add("executable", .string(p.executable))
        o.add("command_line", .string(p.commandLine))
        o.add("cwd", .string(p.cwd))
        o.add("uid", .int(p.uid))
        o.add("start_ns", .int(p.startNs))
        o.add("exit_ns", .int(p.exitNs))
        o.add("exit_code", .int(p.exitCode))
        o.add("unit", .string(p.unit))
        o.add("session_leader_entity_id", .string(p.sessionLeaderEntityId))
        return o.members
    }

    static func alert(_ a: AlertRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("id", .int(a.id))
        o.add("alert_uuid", .string(a.alertUUID))
        o.add("@timestamp", .string(TimeExpression.format(unixNs: a.tsUnixNs, fractionDigits: 6)))
        o.add("ts_unix_ns", .int(a.tsUnixNs))
        o.add("rule_id", .string(a.ruleId))
        o.add("rule_name", .string(a.ruleName))
        o.add("severity", .string(a.severity))
        o.add("risk_score", .int(a.riskScore))
        o.add("tactic_ids", .array(a.tacticIds.map { .string($0) }))
        o.add("technique_ids", .array(a.techniqueIds.map { .string($0) }))
        o.add("entity_id", .string(a.entityId))
        o.add("incident_uuid", .string(a.incidentUUID))
        o.add("count", .int(a.count))
        o.add("first_seen", .string(TimeExpression.format(unixNs: a.firstSeen, fractionDigits: 6)))
        o.add("last_seen", .string(TimeExpression.format(unixNs: a.lastSeen, fractionDigits: 6)))
        o.add("first_seen_unix_ns", .int(a.firstSeen))
        o.add("last_seen_unix_ns", .int(a.lastSeen))
        o.add("response", .string(a.response))
        if let ecs = a.ecsJSON { o.add("ecs", .embedded(ecs)) }
        return o.value
    }

    static func incident(_ i: IncidentRow) -> JSONValue {
        var o = JSONObjectBuilder()
        o.add("id", .int(i.id))
        o.add("incident_uuid", .string(i.incidentUUID))
        o.add("title", .string(i.title))
        o.add("status", .string(i.status))
        o.add("risk_score", .int(i.riskScore))
        o.add("alert_count", .int(i.alertCount))
        o.add("root_entity_id", .string(i.rootEntityId))
        o.add("first_seen", .string(TimeExpression.format(unixNs: i.firstSeen, fractionDigits: 6)))
        o.add("last_seen", .string(TimeExpression.format(unixNs: i.lastSeen, fractionDigits: 6)))
        o.add("first_seen_unix_ns", .int(i.firstSeen))
        o.add("last_seen_unix_ns", .int(i.lastSeen))
        return o.value
    }

    static func actors(_ list: [ImpactActor]) -> JSONValue {
        .array(list.map { a in
            .object([("entity_id", .string(a.entityId)), ("pid", .int(a.pid)),
                     ("actions", .array(a.actions.map { .string($0) })), ("count", .int(a.count)),
                     ("first_seen", .string(TimeExpression.format(unixNs: a.firstSeenUnixNs, fractionDigits: 6)))])
        })
    }
}
