/// Stemma's version, as reports and `--version` print it.
public enum StemmaVersion {
    public static let current = "0.1.0"
}
