import MamoriEvents

/// The DNS Activity (4003) body of a DNS event line: endpoints, `query`, `answers`, `rcode`.
///
/// Exists so OCSF consumers get lookups in the class their DNS dashboards read, with the same
/// facts as the ECS `dns.*` fields: the client socket is `src_endpoint`, the server
/// `dst_endpoint`, for queries and answers alike. A message that could not be parsed still
/// gets its endpoints (and `unmapped.mamori.decode_error`), never a made-up query.
extension OCSFEncoder {
    func writeDNSObjects(_ e: DNSEvent, to writer: inout JSONWriter) {
        writeEndpoint("src_endpoint", e.source, e.sourcePort, to: &writer)
        writeEndpoint("dst_endpoint", e.destination, e.destinationPort, to: &writer)
        writer.beginObject("connection_info")
        writer.number("protocol_num", UInt64(e.proto))
        writer.string("protocol_name", e.transport)
        writer.number("direction_id", UInt64(e.direction == .query ? 2 : 1))  // Outbound / Inbound
        writer.number("protocol_ver_id", UInt64(e.family == .inet ? 4 : 6))
        writer.endObject()
        guard let m = e.message else {
            writer.number("status_id", UInt64(2))  // Failure: unparseable
            return
        }
        if m.questionCount > 0 {
            writer.beginObject("query")
            writer.string("hostname", m.questionName)
            writer.string("type", DNSNames.typeName(m.questionType))
            writer.string("class", DNSNames.className(m.questionClass))
            writer.number("opcode_id", UInt64(OCSFClassification.dnsOpcodeId(m.opcode)))
            writer.number("packet_uid", UInt64(m.id))
            writer.endObject()
        }
        if m.isResponse {
            writer.number("rcode_id", UInt64(OCSFClassification.dnsResponseCodeId(m.responseCode)))
            writer.string("rcode", DNSNames.responseCodeName(m.responseCode))
            if !m.answers.isEmpty {
                writer.beginArray("answers")
                for a in m.answers {
                    writer.beginObject()
                    writer.string("rdata", a.dataText)
                    writer.string("type", DNSNames.typeName(a.type))
                    writer.string("class", DNSNames.className(a.recordClass))
                    writer.number("ttl", a.ttl)
                    writer.number("packet_uid", UInt64(m.id))
                    writeDNSFlagIds(m.headerFlags, to: &writer)
                    writer.endObject()
                }
                writer.endArray()
            }
            writer.number("status_id", UInt64(m.responseCode == 0 ? 1 : 2))
        } else {
            writer.number("status_id", UInt64(1))
        }
    }

    /// `flag_ids`: AA 1, TC 2, RD 3, RA 4, AD 5, CD 6.
    private func writeDNSFlagIds(_ flags: UInt16, to writer: inout JSONWriter) {
        writer.beginArray("flag_ids")
        if flags & 0x0400 != 0 { writer.element(UInt64(1)) }
        if flags & 0x0200 != 0 { writer.element(UInt64(2)) }
        if flags & 0x0100 != 0 { writer.element(UInt64(3)) }
        if flags & 0x0080 != 0 { writer.element(UInt64(4)) }
        if flags & 0x0020 != 0 { writer.element(UInt64(5)) }
        if flags & 0x0010 != 0 { writer.element(UInt64(6)) }
        writer.endArray()
    }
}
