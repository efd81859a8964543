/// The version of setlist, as `setlist --version` prints it and every run records it in the ledger.
public enum SetlistVersion {
    /// The version string.
    public static let current = "0.3.0"
}
