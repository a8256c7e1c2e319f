import MamoriEvents

/// `destination`/`file` and `mamori.action` of a prevention record (`SensorEvent.action`).
///
/// Exists so that an in-kernel block is searchable with the same ECS fields as the activity it
/// stopped (`destination.ip`, `file.path`, `process.executable`) plus what Mamori decided.
extension ECSEncoder {
    func writeActionTarget(_ e: ActionEvent, to writer: inout JSONWriter) {
        if let destination = e.destination {
            writer.beginObject("destination")
            writer.string("ip", destination.description)
            writer.number("port", e.destinationPort)
            writer.endObject()
            writer.beginObject("network")
            writer.decimalString("iana_number", UInt64(e.proto))
            switch destination.family {
            case .inet: writer.literal("type", "ipv4")
            case .inet6: writer.literal("type", "ipv6")
            }
            writer.literal("direction", "egress")
            writer.endObject()
        }
        if !e.path.isEmpty || e.inode != 0 {
            writer.beginObject("file")
            if !e.path.isEmpty {
                writer.string("path", e.path)
                if let name = ProcessFields.baseName(e.path) { writer.string("name", name) }
            }
            if e.inode != 0 { writer.decimalString("inode", e.inode) }
            writer.endObject()
        }
    }

    /// `mamori.action`: what the kernel did, why, and at which level.
    func writeActionMamori(_ e: ActionEvent, to writer: inout JSONWriter) {
        writer.beginObject("action")
        writer.literal("type", ECSVocabulary.preventionAction(e.action))
        writer.string("reason", e.reason.description)
        writer.bool("enforced", e.enforced)
        if e.failed { writer.bool("failed", true) }
        writer.number("level", UInt64(e.level))
        writer.number("needed_level", UInt64(e.neededLevel))
        writer.number("policy_id", e.policyId)
        writer.number("result", e.result)
        if e.device != 0 { writer.number("device", e.device) }
        writer.endObject()
    }
}
