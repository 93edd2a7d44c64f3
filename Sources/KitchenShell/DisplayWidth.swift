/// Terminal column widths of text, so boxes line up with accents, CJK and emoji.
enum DisplayWidth {
    static func of(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars {
            width += of(scalar)
        }
        return width
    }

    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
        if value < 0x300 { return 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if isWide(value) { return 2 }
        return 1
    }

    private static func isWide(_ value: UInt32) -> Bool {
        (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) ||
            (0xAC00...0xD7A3).contains(value) || (0xF900...0xFAFF).contains(value) ||
            (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value) ||
            (0xFFE0...0xFFE6).contains(value) || (0x1F300...0x1F64F).contains(value) ||
            (0x1F900...0x1F9FF).contains(value) || (0x20000...0x3FFFD).contains(value)
    }

    /// Cuts `text` to at most `width` columns, ending with "…" when it was cut.
    static func truncate(_ text: String, to width: Int) -> (text: String, cut: Bool) {
        guard of(text) > width else { return (text, false) }
        guard width > 1 else { return (width == 1 ? "…" : "", true) }
        var result = ""
        var used = 0
        for scalar in text.unicodeScalars {
            let scalarWidth = of(scalar)
            if used + scalarWidth > width - 1 { break }
            result.unicodeScalars.append(scalar)
            used += scalarWidth
        }
        return (result + "…", true)
    }
}
