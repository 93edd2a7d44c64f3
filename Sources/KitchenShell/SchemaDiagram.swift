import KitchenSQL

/// The tables of a database as boxes in the terminal (`.schema --diagram`, `.erd`): each table's
/// columns with their types, the primary key, and every foreign key as `→ table.column`, laid out
/// in rows that fit the width, referenced tables first so arrows mostly point left and up.
public struct SchemaDiagram: Equatable {
    public struct Column: Equatable {
        public var name: String
        public var type: String
        public var isPrimaryKey: Bool
        public var isRequired: Bool
        /// `table.column` this column refers to.
        public var reference: String?

        public init(name: String, type: String, isPrimaryKey: Bool = false, isRequired: Bool = false, reference: String? = nil) {
            self.name = name
            self.type = type
            self.isPrimaryKey = isPrimaryKey
            self.isRequired = isRequired
            self.reference = reference
        }
    }

    public struct Table: Equatable {
        public var name: String
        public var columns: [Column]
        public init(name: String, columns: [Column]) {
            self.name = name
            self.columns = columns
        }
        var references: Set<String> {
            Set(columns.compactMap { $0.reference?.split(separator: ".").first.map(String.init) })
        }
    }

    public var tables: [Table]

    public init(tables: [Table]) {
        self.tables = tables
    }

    /// Reads the tables (not views), their columns and foreign keys from `connection`.
    public static func read(from connection: Connection) throws -> SchemaDiagram {
        let names = try connection.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .fetchAll().compactMap { $0.first?.textValue }
        var tables: [Table] = []
        for name in names {
            let info = try connection.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            try info.bind([.text(name)])
            let keys = try connection.prepare("SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)")
            try keys.bind([.text(name)])
            var references: [String: String] = [:]
            for row in try keys.fetchAll() {
                guard let from = row[0].textValue, let table = row[1].textValue else { continue }
                // Without a named column the key points at the other table's primary key.
                references[from] = table + "." + (row[2].textValue ?? "id")
            }
            let columns = try info.fetchAll().map { row in
                let column = row[0].textValue ?? "?"
                return Column(name: column, type: row[1].textValue ?? "",
                              isPrimaryKey: row[3] != .integer(0), isRequired: row[2] == .integer(1),
                              reference: references[column])
            }
            tables.append(Table(name: name, columns: columns))
        }
        return SchemaDiagram(tables: tables)
    }

    /// Only `table` and the tables it refers to or that refer to it.
    public func around(_ table: String) -> SchemaDiagram {
        let wanted = table.lowercased()
        let focus = tables.first { $0.name.lowercased() == wanted }
        let related = tables.filter { candidate in
            candidate.name.lowercased() == wanted || (focus?.references.contains(candidate.name) ?? false)
                || candidate.references.contains { $0.lowercased() == wanted }
        }
        return SchemaDiagram(tables: related)
    }

    /// Tables that others refer to come before those referring to them (then by name).
    var ordered: [Table] {
        var placed: [Table] = []
        var remaining = tables
        while !remaining.isEmpty {
            let placedNames = Set(placed.map(\.name))
            let shown = Set(tables.map(\.name))
            let ready = remaining.filter { $0.references.subtracting([$0.name]).intersection(shown).isSubset(of: placedNames) }
            let next = ready.first ?? remaining[0]  // a cycle: take the first and go on
            placed.append(next)
            remaining.removeAll { $0.name == next.name }
        }
        return placed
    }

    struct Characters {
        var topLeft, topRight, bottomLeft, bottomRight, horizontal, vertical, teeLeft, teeRight, arrow, ellipsis: String
        static let box = Characters(topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
                                    teeLeft: "├", teeRight: "┤", arrow: "→", ellipsis: "…")
        static let ascii = Characters(topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
                                      teeLeft: "+", teeRight: "+", arrow: "->", ellipsis: "~")
    }

    /// The diagram as lines no wider than `width`; ASCII when `unicode` is false.
    public func render(width: Int, unicode: Bool, style: Style = Style(enabled: false)) -> [String] {
        guard !tables.isEmpty else { return ["This database has no tables yet. Create one with CREATE TABLE."] }
        let characters = unicode ? Characters.box : Characters.ascii
        let boxes = ordered.map { box(for: $0, characters: characters, maximumWidth: max(12, width), style: style) }
        // Rows of boxes side by side, two spaces apart, as many as fit.
        var lines: [String] = []
        var row: [[(text: String, width: Int)]] = []
        var rowWidth = 0
        func flushRow() {
            guard !row.isEmpty else { return }
            let height = row.map(\.count).max() ?? 0
            for index in 0..<height {
                var line = ""
                for (number, box) in row.enumerated() {
                    let boxWidth = box[0].width
                    let piece: (text: String, width: Int) = index < box.count ? box[index] : (String(repeating: " ", count: boxWidth), boxWidth)
                    line += (number == 0 ? "" : "  ") + piece.text + String(repeating: " ", count: boxWidth - piece.width)
                }
                lines.append(line.trimmingTrailingSpaces())
            }
            row = []
            rowWidth = 0
        }
        for box in boxes {
            let boxWidth = box[0].width
            if !row.isEmpty && rowWidth + 2 + boxWidth > width { flushRow() }
            if !lines.isEmpty && row.isEmpty { lines.append("") }
            rowWidth += (row.isEmpty ? 0 : 2) + boxWidth
            row.append(box)
        }
        flushRow()
        let links = ordered.flatMap { table in table.columns.compactMap { column in column.reference.map { "\(table.name).\(column.name) \(characters.arrow) \($0)" } } }
        if !links.isEmpty {
            lines.append("")
            lines.append("Foreign keys:")
            lines += links.map { link in
                let cut = DisplayWidth.truncate("  " + link, to: max(12, width))
                return cut.cut ? cut.text.replacing("…", with: characters.ellipsis) : cut.text
            }
        }
        return lines
    }

    /// One table's box: its lines with their display widths.
    func box(for table: Table, characters: Characters, maximumWidth: Int, style: Style) -> [(text: String, width: Int)] {
        let nameWidth = table.columns.map { DisplayWidth.of($0.name) }.max() ?? 0
        let typeWidth = table.columns.map { DisplayWidth.of($0.type) }.max() ?? 0
        var rows: [String] = table.columns.map { column in
            var text = column.name + String(repeating: " ", count: nameWidth - DisplayWidth.of(column.name))
            if typeWidth > 0 { text += "  " + column.type + String(repeating: " ", count: typeWidth - DisplayWidth.of(column.type)) }
            var marks: [String] = []
            if column.isPrimaryKey { marks.append("PK") }
            if let reference = column.reference { marks.append("\(characters.arrow) \(reference)") }
            if !marks.isEmpty { text += "  " + marks.joined(separator: " ") }
            return text.trimmingTrailingSpaces()
        }
        if rows.isEmpty { rows = ["(no columns)"] }
        let inner = min(max(DisplayWidth.of(table.name), rows.map(DisplayWidth.of).max() ?? 0), maximumWidth - 4)
        func fit(_ text: String) -> String {
            let cut = DisplayWidth.of(text) > inner ? DisplayWidth.truncate(text, to: inner).text.replacing("…", with: characters.ellipsis) : text
            return cut + String(repeating: " ", count: max(0, inner - DisplayWidth.of(cut)))
        }
        let horizontal = String(repeating: characters.horizontal, count: inner + 2)
        var lines = [characters.topLeft + horizontal + characters.topRight]
        lines.append(characters.vertical + " " + style.bold(fit(table.name)) + " " + characters.vertical)
        lines.append(characters.teeLeft + horizontal + characters.teeRight)
        lines += rows.map { characters.vertical + " " + fit($0) + " " + characters.vertical }
        lines.append(characters.bottomLeft + horizontal + characters.bottomRight)
        return lines.map { ($0, inner + 4) }
    }
}
