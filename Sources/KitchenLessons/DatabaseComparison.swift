import KitchenSQL

/// Compares a learner's database with the reference's, schema first (normalised: see
/// `NormalizedSchema`), then every table's rows, and says the first difference in words. With
/// the step's start database at hand it can tell collateral damage ("the table members was
/// changed, but this step does not change it") from a wrong change.
public struct DatabaseComparison: Sendable {
    /// Only these tables are compared; empty means the whole database.
    public var tables: [String]
    public var diff = ResultDiff()

    public init(tables: [String] = []) {
        self.tables = tables
    }

    /// Nil when the databases agree; otherwise the explanation lines.
    public func differences(learner: Connection, reference: Connection, start: Connection? = nil) throws -> [String]? {
        let expected = try NormalizedSchema.read(reference)
        let actual = try NormalizedSchema.read(learner)
        let original = try start.map(NormalizedSchema.read)
        let limited = !tables.isEmpty
        let names = limited ? tables : expected.tables.map(\.name)
        if !limited {
            if let extra = actual.tables.first(where: { expected.table($0.name) == nil }) {
                return ["There is a table \(extra.name) that should not be there."]
            }
            if let view = actual.views.first(where: { name in !expected.views.contains { $0.lowercased() == name.lowercased() } }) {
                return ["There is a view \(view) that should not be there."]
            }
            if let view = expected.views.first(where: { name in !actual.views.contains { $0.lowercased() == name.lowercased() } }) {
                return ["There is no view \(view) after your statements."]
            }
        }
        for name in names {
            guard let wanted = expected.table(name) else {
                if limited, actual.table(name) != nil { return ["There is a table \(name) that should not be there."] }
                continue
            }
            guard let got = actual.table(name) else {
                let untouched = original?.table(name) != nil
                return ["There is no table \(wanted.name) after your statements" + (untouched ? ", but this step does not remove it." : ".")]
            }
            if let problem = Self.schemaDifference(expected: wanted, actual: got) {
                return [problem]
            }
        }
        for name in names {
            guard let wanted = expected.table(name) else { continue }
            let query = "SELECT * FROM \(SQLIdentifier.quote(wanted.name))"
            // Copies of one start database share the pages of every table neither side wrote.
            if reference.storesSameTable(wanted.name, as: learner) { continue }
            if try Self.sameRows(query, reference, learner) { continue }
            let want = try Self.fetch(query, on: reference)
            let have = try Self.fetch(query, on: learner)
            if let differences = diff.differences(expected: want, actual: have) {
                if let start, original?.table(name) != nil, let before = try? Self.fetch(query, on: start),
                   diff.differences(expected: before, actual: want) == nil {
                    return ["The table \(wanted.name) was changed, but this step does not change it:"] + differences
                }
                return ["The rows of \(wanted.name) are not right:"] + differences
            }
        }
        if !limited {
            for view in expected.views {
                let query = "SELECT * FROM \(SQLIdentifier.quote(view))"
                guard let have = try? Self.fetch(query, on: learner) else { return ["The view \(view) fails after your statements."] }
                if let differences = diff.differences(expected: try Self.fetch(query, on: reference), actual: have) {
                    return ["The view \(view) does not give the rows it should:"] + differences
                }
            }
        }
        return nil
    }

    /// The first way `actual` breaks a promise `expected` makes, in words.
    static func schemaDifference(expected: NormalizedSchema.Table, actual: NormalizedSchema.Table) -> String? {
        let table = expected.name
        let wantedNames = expected.columns.map { $0.name.lowercased() }
        let gotNames = actual.columns.map { $0.name.lowercased() }
        if wantedNames != gotNames {
            let missing = expected.columns.filter { !gotNames.contains($0.name.lowercased()) }.map(\.name)
            let extra = actual.columns.filter { !wantedNames.contains($0.name.lowercased()) }.map(\.name)
            var parts: [String] = []
            if !missing.isEmpty { parts.append("it lacks \(list(missing))") }
            if !extra.isEmpty { parts.append("it has \(list(extra)) too") }
            if parts.isEmpty { parts.append("they are in another order") }
            return "The table \(table) has the columns \(actual.columns.map(\.name).joined(separator: ", ")); expected \(expected.columns.map(\.name).joined(separator: ", ")) (\(parts.joined(separator: "; ")))."
        }
        for (want, have) in zip(expected.columns, actual.columns) {
            let column = "\(table).\(want.name)"
            if want.type != have.type {
                let declared = have.type.isEmpty ? "has no declared type" : "is declared \(have.type)"
                return "The column \(column) \(declared); expected \(want.type.isEmpty ? "no declared type" : want.type)."
            }
            if want.notNull != have.notNull {
                return want.notNull ? "The column \(column) should be NOT NULL." : "The column \(column) is NOT NULL, but it should allow NULL."
            }
            if want.defaultValue != have.defaultValue {
                let got = have.defaultValue.map { "has DEFAULT \($0)" } ?? "has no DEFAULT"
                let wanted = want.defaultValue.map { "DEFAULT \($0)" } ?? "no DEFAULT"
                return "The column \(column) \(got); expected \(wanted)."
            }
        }
        if expected.primaryKey != actual.primaryKey {
            if actual.primaryKey.isEmpty { return "The table \(table) has no PRIMARY KEY; expected PRIMARY KEY (\(expected.primaryKey.joined(separator: ", ")))." }
            if expected.primaryKey.isEmpty { return "The table \(table) has PRIMARY KEY (\(actual.primaryKey.joined(separator: ", "))), but it should have none." }
            return "The PRIMARY KEY of \(table) is (\(actual.primaryKey.joined(separator: ", "))); expected (\(expected.primaryKey.joined(separator: ", ")))."
        }
        let families: [(String, KeyPath<NormalizedSchema.Table, [NormalizedSchema.Clause]>)] = [
            ("UNIQUE constraint", \.unique), ("CHECK constraint", \.checks), ("FOREIGN KEY", \.foreignKeys),
            ("index", \.indexes), ("trigger", \.triggers),
        ]
        for (what, path) in families {
            let wanted = expected[keyPath: path]
            let got = actual[keyPath: path]
            if let missing = wanted.first(where: { !got.contains($0) }) {
                switch what {
                case "index": return "The table \(table) lacks \(missing.shown)."
                case "trigger": return "The table \(table) lacks \(missing.shown) (or it does something else)."
                case "FOREIGN KEY": return "The table \(table) lacks the FOREIGN KEY \(missing.shown)."
                default: return "The table \(table) lacks the \(what) \(missing.shown)."
                }
            }
            if let extra = got.first(where: { !wanted.contains($0) }) {
                switch what {
                case "index": return "The table \(table) has \(extra.shown), which this step does not create."
                case "trigger": return "The table \(table) has \(extra.shown), which this step does not create."
                case "FOREIGN KEY": return "The table \(table) has the FOREIGN KEY \(extra.shown), which it should not have."
                default: return "The table \(table) has the \(what) \(extra.shown), which it should not have."
                }
            }
        }
        return nil
    }

    static func list(_ names: [String]) -> String {
        names.count == 1 ? "the column \(names[0])" : "the columns \(names.joined(separator: ", "))"
    }

    static func fetch(_ query: String, on connection: Connection) throws -> ResultSet {
        try connection.trusted {
            let statement = try connection.prepare(query)
            return ResultSet(columns: statement.columnNames, rows: try statement.fetchAll())
        }
    }
}
