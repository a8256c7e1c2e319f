import MamoriStore

/// Renders a `Story` as one JSON object (for `jq`, tickets, a SIEM):
///
/// ```
/// {"target":{"kind":"alert","id":"…"},"incident":{…}|null,"focus_entity_id":"…",
///  "root":{"entity_id":"…","reason":"session-leader"},"ancestry":[process…],
///  "tree":{process…,"alerting":false,"children":[…]},"alerts":[alert…],
///  "timeline":{"events":[event…],"count":9,"limit":5000,"truncated":false,"events_scanned":14},
///  "impact":{"processes":[process…],"files":[…],"addresses":[…]},"notes":[…]}
/// ```
///
/// Field names follow the store's columns (`RowJSON`). Stateless; any thread.
public enum StoryJSONRenderer {
    /// The story as one compact JSON object, without a trailing newline.
    public static func render(_ story: Story) -> String {
        value(story).text
    }

    static func value(_ story: Story) -> JSONValue {
        var o = JSONObjectBuilder()
        o.addAlways("target", .object([("kind", .string(story.target.kindName)), ("id", .string(story.target.id))]))
        o.addAlways("incident", story.incident.map(RowJSON.incident) ?? .null)
        o.addAlways("focus_entity_id", .string(story.focusEntityId))
        o.addAlways("root", .object([("entity_id", .string(story.root.entityId)),
                                     ("reason", .string(story.rootReason.rawValue))]))
        o.addAlways("ancestry", .array(story.ancestry.map(RowJSON.process)))
        o.addAlways("tree", node(story.tree))
        o.addAlways("alerts", .array(story.alerts.map(RowJSON.alert)))
        o.addAlways("timeline", .object([
            ("events", .array(story.timeline.map(RowJSON.event))),
            ("count", .int(story.timeline.count)),
            ("limit", .int(story.timelineLimit)),
            ("truncated", .bool(story.timelineTruncated)),
            ("events_scanned", .int(story.eventsScanned)),
        ]))
        let files: [JSONValue] = story.impact.files.map { f in
            .object([("path", .string(f.path)), ("actions", .array(f.actions.map { .string($0) })),
                     ("count", .int(f.count)), ("failures", .int(f.failures)),
                     ("first_seen", .string(TimeExpression.format(unixNs: f.firstSeenUnixNs, fractionDigits: 6))),
                     ("last_seen", .string(TimeExpression.format(unixNs: f.lastSeenUnixNs, fractionDigits: 6))),
                     ("processes", RowJSON.actors(f.actors))])
        }
        let addresses: [JSONValue] = story.impact.addresses.map { a in
            .object([("address", .string(a.address)), ("port", .int(a.port)), ("transport", .string(a.transport)),
                     ("direction", .string(a.direction.rawValue)), ("endpoint", .string(a.endpoint)),
                     ("actions", .array(a.actions.map { .string($0) })), ("count", .int(a.count)),
                     ("failures", .int(a.failures)),
                     ("first_seen", .string(TimeExpression.format(unixNs: a.firstSeenUnixNs, fractionDigits: 6))),
                     ("last_seen", .string(TimeExpression.format(unixNs: a.lastSeenUnixNs, fractionDigits: 6))),
                     ("processes", RowJSON.actors(a.actors))])
        }
        o.addAlways("impact", .object([
            ("processes", .array(story.impact.processes.map(RowJSON.process))),
            ("files", .array(files)),
            ("addresses", .array(addresses)),
        ]))
        o.addAlways("notes", .array(story.notes.map { .string($0) }))
        return o.value
    }

    private static func node(_ n: StoryProcess) -> JSONValue {
        var members = RowJSON.processMembers(n.process)
        members.append(("depth", .int(n.depth)))
        members.append(("alerting", .bool(n.isAlerting)))
        members.append(("exec_count", .int(n.execCount)))
        members.append(("execs", .array(n.execs.map { step in
            var o = JSONObjectBuilder()
            o.add("@timestamp", .string(TimeExpression.format(unixNs: step.tsUnixNs, fractionDigits: 6)))
            o.add("executable", .string(step.executable))
            o.add("command_line", .string(step.commandLine))
            return o.value
        })))
        members.append(("children", .array(n.children.map(node))))
        return .object(members)
    }
}
