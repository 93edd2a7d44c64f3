/// The lesson index as text: one record a line, fields apart by tabs, written and read by hand.
///
/// Why not JSON through Codable: decoding the index that way was the largest piece of the tutor's
/// start after the YAML (Codable's generic containers, each first use instantiating metadata and
/// scanning protocol conformances), and the prompt waits for the index. The index is a cache:
/// anything this reader does not accept (a file from another Kitchen, cut short, edited) reads as
/// no index, and the lessons are parsed again and the index rewritten.
///
///     kitchen-lessons-index	2
///     directory	=DIR
///     environment	=STAMPS
///     entry	=FILE	=STAMP
///     summary	=ID	=TITLE	=SUMMARY	STEPS	=FIXTURE or -	ID-LINE	=REQUIRED…
///     problem	=FILE or -	LINE or -	=MESSAGE or -
///     more	=FILE	LINE or -	=MESSAGE
///     spec	=FIXTURE	INSPECTION	=ROUTES or -	=STATIC or -	ROUTES-LINE or -	=OTHER-SITE or -	SESSIONS
///     resource	=PATH	=TABLE
///     secret	=NAME	=VALUE
///     end
///
/// `summary`, `problem` and `more` belong to the `entry` before them; `resource` and `secret` to
/// the `spec` before them. A text field is `=` and the text with `\`, tab, newline and carriage
/// return escaped; `-` is no value.
extension LessonIndex {
    static let textHeader = "kitchen-lessons-index\t2"

    var text: String {
        var lines = [Self.textHeader, "directory\t" + Field.text(directory), "environment\t" + Field.text(environment)]
        for entry in entries {
            lines.append("entry\t" + Field.text(entry.file) + "\t" + Field.text(entry.stamp))
            if let summary = entry.summary {
                lines.append((["summary", Field.text(summary.id), Field.text(summary.title), Field.text(summary.summary), String(summary.stepCount),
                               Field.text(summary.fixtureName), String(summary.idLine)] + summary.requires.map(Field.text)).joined(separator: "\t"))
            }
            if entry.problemFile != nil || entry.problemLine != nil || entry.problemMessage != nil {
                lines.append(["problem", Field.text(entry.problemFile), Field.number(entry.problemLine), Field.text(entry.problemMessage)].joined(separator: "\t"))
            }
            for more in entry.moreProblems ?? [] {
                lines.append(["more", Field.text(more.file), Field.number(more.line), Field.text(more.message)].joined(separator: "\t"))
            }
        }
        for (fixture, spec) in (serverSpecs ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(["spec", Field.text(fixture), spec.inspection ? "1" : "0", Field.text(spec.routes), Field.text(spec.staticDirectory),
                          Field.number(spec.routesLine), Field.text(spec.otherSiteDirectory), spec.sessions.rawValue].joined(separator: "\t"))
            for resource in spec.resources { lines.append("resource\t" + Field.text(resource.path) + "\t" + Field.text(resource.table)) }
            for (name, value) in spec.secrets.sorted(by: { $0.key < $1.key }) { lines.append("secret\t" + Field.text(name) + "\t" + Field.text(value)) }
        }
        lines.append("end")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The index in `text`, or nil when it is not a whole index this Kitchen wrote.
    init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 5, lines[0] == Self.textHeader, lines[lines.count - 2] == "end", lines[lines.count - 1].isEmpty else { return nil }
        var directory: String?, environment: String?
        var entries: [Entry] = []
        var specs: [String: ServerSpec] = [:]
        var lastSpec: String?
        for line in lines[1..<(lines.count - 2)] {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            switch (fields[0], fields.count) {
            case ("directory", 2):
                guard let value = Field.requiredText(fields[1]) else { return nil }
                directory = value
            case ("environment", 2):
                guard let value = Field.requiredText(fields[1]) else { return nil }
                environment = value
            case ("entry", 3):
                guard let file = Field.requiredText(fields[1]), let stamp = Field.requiredText(fields[2]) else { return nil }
                entries.append(Entry(file: file, stamp: stamp))
            case ("summary", 7...):
                guard !entries.isEmpty, entries[entries.count - 1].summary == nil,
                      let id = Field.requiredText(fields[1]), let title = Field.requiredText(fields[2]), let summary = Field.requiredText(fields[3]),
                      let steps = Int(fields[4]), let fixture = Field.optionalText(fields[5]), let idLine = Int(fields[6]) else { return nil }
                var requires: [String] = []
                for field in fields.dropFirst(7) {
                    guard let required = Field.requiredText(field) else { return nil }
                    requires.append(required)
                }
                entries[entries.count - 1].summary = Summary(id: id, title: title, summary: summary, requires: requires, stepCount: steps, fixtureName: fixture, idLine: idLine)
            case ("problem", 4):
                guard !entries.isEmpty, let file = Field.optionalText(fields[1]), let line = Field.optionalNumber(fields[2]),
                      let message = Field.optionalText(fields[3]) else { return nil }
                entries[entries.count - 1].problemFile = file
                entries[entries.count - 1].problemLine = line
                entries[entries.count - 1].problemMessage = message
            case ("more", 4):
                guard !entries.isEmpty, let file = Field.requiredText(fields[1]), let line = Field.optionalNumber(fields[2]),
                      let message = Field.requiredText(fields[3]) else { return nil }
                entries[entries.count - 1].moreProblems = (entries[entries.count - 1].moreProblems ?? []) + [MoreProblem(file: file, line: line, message: message)]
            case ("spec", 8):
                guard let fixture = Field.requiredText(fields[1]), fields[2] == "0" || fields[2] == "1",
                      let routes = Field.optionalText(fields[3]), let staticDirectory = Field.optionalText(fields[4]),
                      let routesLine = Field.optionalNumber(fields[5]), let otherSite = Field.optionalText(fields[6]),
                      let sessions = ServerSpec.Sessions(rawValue: String(fields[7])), specs[fixture] == nil else { return nil }
                var spec = ServerSpec(inspection: fields[2] == "1", routes: routes, staticDirectory: staticDirectory)
                spec.routesLine = routesLine
                spec.otherSiteDirectory = otherSite
                spec.sessions = sessions
                specs[fixture] = spec
                lastSpec = fixture
            case ("resource", 3):
                guard let fixture = lastSpec, let path = Field.requiredText(fields[1]), let table = Field.requiredText(fields[2]) else { return nil }
                specs[fixture]?.resources.append(ServerSpec.Resource(path: path, table: table))
            case ("secret", 3):
                guard let fixture = lastSpec, let name = Field.requiredText(fields[1]), let value = Field.requiredText(fields[2]) else { return nil }
                specs[fixture]?.secrets[name] = value
            default:
                return nil
            }
        }
        guard let directory, let environment else { return nil }
        self.init(directory: directory, environment: environment, entries: entries, serverSpecs: specs)
    }

    /// One field of a record.
    enum Field {
        static func text(_ value: String?) -> String {
            guard let value else { return "-" }
            var escaped = "="
            for character in value.unicodeScalars {
                switch character {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(character)
                }
            }
            return escaped
        }

        static func number(_ value: Int?) -> String {
            value.map(String.init) ?? "-"
        }

        /// The text of a field that must have one; nil when it is `-` or malformed.
        static func requiredText(_ field: Substring) -> String? {
            guard field.first == "=" else { return nil }
            // Most fields have nothing escaped: taken whole.
            if !field.utf8.contains(UInt8(ascii: "\\")) { return String(field.dropFirst()) }
            var text = ""
            var escaping = false
            for character in field.unicodeScalars.dropFirst() {
                if escaping {
                    switch character {
                    case "\\": text += "\\"
                    case "t": text += "\t"
                    case "n": text += "\n"
                    case "r": text += "\r"
                    default: return nil
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    text.unicodeScalars.append(character)
                }
            }
            return escaping ? nil : text
        }

        /// `.some(nil)` for `-`, `.some(text)` for a text field, nil when malformed.
        static func optionalText(_ field: Substring) -> String?? {
            if field == "-" { return .some(nil) }
            guard let text = requiredText(field) else { return nil }
            return .some(text)
        }

        static func optionalNumber(_ field: Substring) -> Int?? {
            if field == "-" { return .some(nil) }
            guard let number = Int(field) else { return nil }
            return .some(number)
        }
    }
}
