/// Namespace of the local control channel (docs/cli.md "Control socket").
public enum ControlModule {}
