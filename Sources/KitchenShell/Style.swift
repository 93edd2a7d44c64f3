/// ANSI styling, applied only when colour is on.
public struct Style {
    public var enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public func apply(_ code: String, _ text: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func dim(_ text: String) -> String { apply("2", text) }
    public func bold(_ text: String) -> String { apply("1", text) }
    public func red(_ text: String) -> String { apply("31", text) }
    public func boldRed(_ text: String) -> String { apply("1;31", text) }
    public func green(_ text: String) -> String { apply("32", text) }
    public func yellow(_ text: String) -> String { apply("33", text) }
    public func cyan(_ text: String) -> String { apply("36", text) }
    /// NULL must not look like the text 'NULL': dim italics in colour, `(null)` without.
    public func nullMarker() -> String { enabled ? apply("2;3", "NULL") : "(null)" }
    public var nullMarkerWidth: Int { enabled ? 4 : 6 }
}
