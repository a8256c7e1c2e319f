extension Fixtures {
    static let execution: [RuleFixture] = []
    static let persistence: [RuleFixture] = []
    static let privilegeEscalation: [RuleFixture] = []
    static let defenseEvasion: [RuleFixture] = []
    static let credentialAccess: [RuleFixture] = []
    static let discovery: [RuleFixture] = []
    static let lateralMovement: [RuleFixture] = []
    static let collectionAndC2: [RuleFixture] = []
    static let exfiltration: [RuleFixture] = []
    static let impact: [RuleFixture] = []
}
