/// What a behavioural-baseline deviation alert says beyond the rule: which profile (unit), what
/// kind of novelty, the new things, and what the profile holds instead.
///
/// Exists so that an analyst reading one alert sees "nginx.service ran /bin/sh; it normally
/// runs /usr/sbin/nginx" without opening the profile. Written as `mamori.baseline.*`
/// (docs/baseline.md). Immutable; any thread.
public struct BaselineAlertDetail: Sendable, Equatable {
    /// The profile: a systemd unit, `cgroup:<path>` or `interactive`.
    public var unit: String
    /// The most severe novelty of the event (`shell-under-service`, `new-destination`, ...).
    public var kind: String
    /// Every new thing of the event, as text ("executable /bin/sh (dev 8:1 inode 1234)").
    public var new: [String]
    /// What the profile holds in the novelty's category (bounded sample).
    public var profile: [String]
    /// `stable` or `enforced`.
    public var state: String
    /// True when the category is full: the new thing could not be learned even if benign.
    public var categoryFull: Bool
    /// Whether the profile learned the novelty (false for high-severity ones and full categories).
    public var learned: Bool

    public init(unit: String, kind: String, new: [String], profile: [String], state: String,
                categoryFull: Bool, learned: Bool) {
        self.unit = unit; self.kind = kind; self.new = new; self.profile = profile; self.state = state
        self.categoryFull = categoryFull; self.learned = learned
    }
}

extension ECSEncoder {
    /// `mamori.baseline`.
    func writeBaseline(_ b: BaselineAlertDetail, to writer: inout JSONWriter) {
        writer.beginObject("baseline")
        writer.string("unit", b.unit)
        writer.string("kind", b.kind)
        writer.stringArray("new", b.new)
        writer.stringArray("profile", b.profile)
        writer.string("state", b.state)
        writer.bool("category_full", b.categoryFull)
        writer.bool("learned", b.learned)
        writer.endObject()
    }
}
