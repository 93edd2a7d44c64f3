import KitchenServer
import KitchenShell
import KitchenSQL

/// `.routes export flask|express`: the routes being served, as a Flask or Express app.
extension ServerPanel {
    func exportRoutes(framework name: String?, session: ShellSession) throws {
        guard let name, let framework = RouteExport.Framework(rawValue: name) else {
            throw CommandError("usage: .routes export flask|express")
        }
        let lessonRoutes = (try? currentSpec?.routes.map { try RouteParser.parse($0) } ?? []) ?? []
        let routes = RouteExport.served(lessonRoutes: lessonRoutes, learnerRoutes: learnerRoutes)
        guard !routes.isEmpty else {
            // The example names a table of this database, never one of a particular dataset.
            let tables = (try? session.connection.schema().tableNames) ?? []
            let table = tables.first { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }
            let example = table.map { "route GET /\($0) = SELECT * FROM \($0)" } ?? "route GET /PATH = SELECT …"
            throw CommandError("no routes to export yet: write one first, e.g. \(example)")
        }
        // Code to copy: never broken at the terminal's width.
        session.output.verbatim {
            for line in RouteExport.source(of: routes, for: framework).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                session.output.writeLine(String(line))
            }
        }
    }
}
