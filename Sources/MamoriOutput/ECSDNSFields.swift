import MamoriEvents

/// `dns.*`, the endpoints of a DNS event, `mamori.dns`, and `destination.domain` of connects.
///
/// ECS names (dns.question.name, dns.answers, dns.resolved_ip, dns.response_code, ...) are
/// those Packetbeat and Elastic Defend write, so SIEM dashboards for DNS work unchanged. The
/// source is the client socket, the destination the DNS server, for queries and answers alike.
extension ECSEncoder {
    func writeDNS(_ e: DNSEvent, to writer: inout JSONWriter) {
        writer.beginObject("source")
        writer.string("ip", e.source.description)
        writer.number("port", e.sourcePort)
        writer.endObject()
        writer.beginObject("destination")
        writer.string("ip", e.destination.description)
        writer.number("port", e.destinationPort)
        writer.endObject()
        writer.beginObject("network")
        writer.literal("protocol", "dns")
        writer.string("transport", e.transport)
        writer.literal("type", e.family == .inet ? "ipv4" : "ipv6")
        writer.literal("direction", e.direction == .query ? "egress" : "ingress")
        writer.endObject()

        writer.beginObject("dns")
        writer.literal("type", e.direction == .query ? "query" : "answer")
        if let m = e.message {
            writer.decimalString("id", UInt64(m.id))
            writer.literal("op_code", m.opcode == 0 ? "QUERY" : m.opcode == 4 ? "NOTIFY" : m.opcode == 5 ? "UPDATE" : "OTHER")
            writer.beginArray("header_flags")
            if m.headerFlags & 0x0400 != 0 { writer.element("AA" as StaticString) }
            if m.headerFlags & 0x0200 != 0 { writer.element("TC" as StaticString) }
            if m.headerFlags & 0x0100 != 0 { writer.element("RD" as StaticString) }
            if m.headerFlags & 0x0080 != 0 { writer.element("RA" as StaticString) }
            if m.headerFlags & 0x0020 != 0 { writer.element("AD" as StaticString) }
            if m.headerFlags & 0x0010 != 0 { writer.element("CD" as StaticString) }
            writer.endArray()
            if m.questionCount > 0 {
                writer.beginObject("question")
                writer.string("name", m.questionName)
                writer.string("type", DNSNames.typeName(m.questionType))
                writer.string("class", DNSNames.className(m.questionClass))
                if let parent = DNSNameShape.parent(of: m.questionName) {
                    writer.string("registered_domain", parent)
                    if let sub = DNSNameShape.subdomain(of: m.questionName, parent: parent) { writer.string("subdomain", sub) }
                }
                writer.endObject()
            }
            if m.isResponse {
                writer.string("response_code", DNSNames.responseCodeName(m.responseCode))
                if !m.answers.isEmpty {
                    writer.beginArray("answers")
                    for a in m.answers {
                        writer.beginObject()
                        writer.string("name", a.name)
                        writer.string("type", DNSNames.typeName(a.type))
                        writer.string("class", DNSNames.className(a.recordClass))
                        writer.number("ttl", a.ttl)
                        writer.string("data", a.dataText)
                        writer.endObject()
                    }
                    writer.endArray()
                    let addresses = m.answers.compactMap(\.address)
                    if !addresses.isEmpty {
                        writer.beginArray("resolved_ip")
                        for address in addresses { writer.element(address.description) }
                        writer.endArray()
                    }
                }
            }
        }
        writer.endObject()
    }

    /// `mamori.dns`: how the process was found and what could not be read.
    func writeDNSMamori(_ e: DNSEvent, to writer: inout JSONWriter) {
        writer.beginObject("dns")
        writer.literal("attribution", e.attribution == .sender ? "sender" : e.attribution == .socket ? "socket" : "none")
        writer.decimalString("socket_cookie", e.socketCookie)
        writer.number("wire_length", e.wireLength)
        if e.truncated { writer.bool("truncated", true) }
        if let m = e.message {
            if m.answersIncomplete { writer.bool("answers_incomplete", true) }
            writer.number("answer_count", m.answerCount)
        }
        if let error = e.decodeError {
            writer.string("decode_error", error.code)
            writer.string("decode_error_detail", error.description)
        }
        writer.endObject()
    }

    /// `destination.domain` of a connect/send whose address an earlier answer named, and
    /// `mamori.destination_domain_view` saying whose lookup it was.
    func writeDestinationDomain(_ domain: ResolvedDomain, to writer: inout JSONWriter) {
        writer.string("domain", domain.name)
    }
}
