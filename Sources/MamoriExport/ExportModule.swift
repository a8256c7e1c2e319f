/// Namespace of the exporters (docs/exports.md).
public enum ExportModule {}
