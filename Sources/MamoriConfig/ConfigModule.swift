/// Namespace of the configuration loader (docs/configuration.md).
public enum ConfigModule {}
