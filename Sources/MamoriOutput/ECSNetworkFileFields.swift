import MamoriEvents

/// `source`, `destination`, `network`, `file` and `mamori.gap`: the per-kind objects.
///
/// Network records carry the socket's local end in `source`/`sourcePort` and the remote end in
/// `destination`/`destinationPort` (see bpf/network.bpf.c). ECS instead calls the side that
/// initiated the connection the source, so an accepted connection is written remote → local;
/// a listen has only the local address, written as `source`.
extension ECSEncoder {
    func writeNetwork(_ e: NetworkEvent, to writer: inout JSONWriter) {
        switch e.op {
        case .connect, .send:
            writeEndpoint("source", e.source, e.sourcePort, to: &writer)
            writeEndpoint("destination", e.destination, e.destinationPort, domain: e.destinationDomain, to: &writer)
        case .accept:
            writeEndpoint("source", e.destination, e.destinationPort, to: &writer)
            writeEndpoint("destination", e.source, e.sourcePort, to: &writer)
        case .listen:
            writeEndpoint("source", e.source, e.sourcePort, to: &writer)
        }
        writer.beginObject("network")
        writer.string("transport", e.transport)
        writer.decimalString("iana_number", UInt64(e.proto))
        switch e.family {
        case .inet: writer.literal("type", "ipv4")
        case .inet6: writer.literal("type", "ipv6")
        }
        switch e.op {
        case .connect, .send: writer.literal("direction", "egress")
        case .accept: writer.literal("direction", "ingress")
        case .listen: break
        }
        writer.endObject()
    }

    private func writeEndpoint(_ key: StaticString, _ address: IPAddress, _ port: UInt16,
                               domain: ResolvedDomain? = nil, to writer: inout JSONWriter) {
        writer.beginObject(key)
        writer.string("ip", address.description)
        writer.number("port", port)
        if let domain { writeDestinationDomain(domain, to: &writer) }
        writer.endObject()
    }

    func writeFile(_ e: FileEvent, to writer: inout JSONWriter) {
        writer.beginObject("file")
        // A rename's `file.path` is where the file lives now, as Elastic Defend writes it; the
        // old name goes to `file.Ext.original` (ECS keeps `file.target_path` for symlink targets).
        let current = e.targetPath ?? e.path
        writer.string("path", current)
        if let name = ProcessFields.baseName(current) { writer.string("name", name) }
        if e.targetPath != nil {
            writer.beginObject("Ext")
            writer.beginObject("original")
            writer.string("path", e.path)
            if let name = ProcessFields.baseName(e.path) { writer.string("name", name) }
            writer.endObject()
            writer.endObject()
        }
        if e.inode != 0 { writer.decimalString("inode", e.inode) }
        switch e.op {
        case .chmod:
            writer.octalString("mode", e.mode & 0o7777)
        case .create where e.mode != 0:
            writer.octalString("mode", e.mode & 0o7777)
        case .chown:
            if let uid = e.ownerUid { writer.decimalString("uid", UInt64(uid)) }
            if let gid = e.ownerGid { writer.decimalString("gid", UInt64(gid)) }
        default:
            break
        }
        writer.endObject()
    }

    /// `mamori.gap`: where records were lost and how many of each kind.
    func writeGap(_ e: GapEvent, to writer: inout JSONWriter) {
        writer.beginObject("gap")
        if let lane = ECSVocabulary.laneName(e.lane) {
            writer.literal("lane", lane)
        } else {
            writer.decimalString("lane", UInt64(e.lane))
        }
        writer.number("cpu", e.cpu)
        writer.number("lost", e.totalLost)
        writer.beginObject("lost_by_kind")
        for (index, count) in e.lost.enumerated() where count != 0 {
            if index <= Int(UInt16.max), let kind = EventKind(rawValue: UInt16(index)) {
                writer.number(ECSVocabulary.kindName(kind), count)
            } else {
                writer.number(dynamicKey: "kind_\(index)", count)
            }
        }
        writer.endObject()
        writer.endObject()
    }
}
