/// Lesson text (a step's text, task and hints) may say `{{server}}` for the mini-server's address,
/// so a curl example can be copied as it is. Every front end that shows lesson text fills it here:
/// the tutor with the running server's address, `kitchen lessons show` (no server) with the
/// address's form and a note saying where the port comes from.
public enum ServerPlaceholder {
    public static let token = "{{server}}"
    /// What stands for the address while no server runs: its form, with the port to be filled in.
    public static let addressWithoutServer = "http://127.0.0.1:PORT"
    /// Explains `addressWithoutServer` to a reader who sees lesson text away from a running server.
    public static let noteWithoutServer = "PORT: the server's port, shown when Kitchen starts the server (kitchen, or kitchen serve)."

    /// `text` with every `{{server}}` replaced by `serverURL`, or by `addressWithoutServer` when
    /// no server runs.
    public static func filling(_ text: String, serverURL: String?) -> String {
        guard text.contains(token) else { return text }
        return text.replacing(token, with: serverURL ?? addressWithoutServer)
    }

    /// Whether any of `texts` says `{{server}}`.
    public static func appears(in texts: String...) -> Bool {
        texts.contains { $0.contains(token) }
    }
}
