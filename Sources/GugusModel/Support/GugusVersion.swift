/// This build's version: the CLI's `--version`, the portal's footer.
public enum GugusVersion {
    public static let current = "0.2.0"
}
