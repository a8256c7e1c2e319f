/// Namespace of the prevention layer (levels, responder, guardrails, simulate); see docs/prevention.md.
public enum PreventionModule {}
