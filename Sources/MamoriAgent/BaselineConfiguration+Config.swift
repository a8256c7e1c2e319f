import MamoriBaseline
import MamoriConfig

extension BaselineConfiguration {
    /// `baseline.*` of a validated configuration.
    init(_ s: BaselineSettings) {
        let c = s.quietPeriod.components
        self.init(enabled: s.enabled, quietPeriodSeconds: Double(c.seconds) + Double(c.attoseconds) / 1e18,
                  units: s.units, ignore: s.ignore)
    }
}
