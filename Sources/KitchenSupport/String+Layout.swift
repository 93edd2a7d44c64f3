extension String {
    /// The text without leading and trailing whitespace (newlines included).
    public var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}

extension String {
    /// The text followed by spaces up to `width` characters (never cut).
    public func padded(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - count))
    }
}
