import KitchenServer
import KitchenShell

/// `.routes export flask|express`: the routes being served, as a Flask or Express app.
extension ServerPanel {
    func exportRoutes(framework name: String?, session: ShellSession) throws {
        guard let name, let framework = RouteExport.Framework(rawValue: name) else {
            throw CommandError("usage: .routes export flask|express")
        }
        let lessonRoutes = (try? currentSpec?.routes.map { try RouteParser.parse($0) } ?? []) ?? []
        let routes = RouteExport.served(lessonRoutes: lessonRoutes, learnerRoutes: learnerRoutes)
        guard !routes.isEmpty else {
            throw CommandError("no routes to export yet: write one first, e.g. route GET /menu = SELECT id, name FROM menu_items")
        }
        // Code to copy: never broken at the terminal's width.
        session.output.verbatim {
            for line in RouteExport.source(of: routes, for: framework).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                session.output.writeLine(String(line))
            }
        }
    }
}
