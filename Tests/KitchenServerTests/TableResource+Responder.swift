import KitchenSQL
import Testing
@testable import KitchenServer

/// The REST resource over a table, driven through the real responder without a socket.
@Suite("TableResource: a REST resource over a table, in process")
struct TableResourceResponderTests {
    @Test("GET on the collection lists rows as JSON objects in column order, with X-Total-Count and an ETag")
    func list() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("GET", "/menu")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("X-Total-Count") == "6")
        #expect(response.header("ETag")?.hasPrefix("\"") == true)
        guard case .array(let rows) = response.json else {
            Issue.record("not an array: \(response.bodyText)")
            return
        }
        #expect(rows.count == 6)
        #expect(keys(rows.first) == ["id", "name", "category_id", "price", "vegetarian", "description"])
        #expect(rows.first?["name"] == .string("Tomato Soup"))
        #expect(rows[1]["description"] == .null)
    }

    @Test("column filters, limit and offset; X-Total-Count counts every match, not the page")
    func filtersAndPages() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let pizzas = await server.send("GET", "/menu?category_id=2")
        #expect(pizzas.json.map(ids) == [3, 4, 6])
        #expect(pizzas.header("X-Total-Count") == "3")

        let page = await server.send("GET", "/menu?category_id=2&limit=2&offset=1")
        #expect(page.json.map(ids) == [4, 6])
        #expect(page.header("X-Total-Count") == "3")

        let both = await server.send("GET", "/menu?vegetarian=1&category_id=1")
        #expect(both.json.map(ids) == [1, 2])

        let byText = await server.send("GET", "/menu?name=Tomato%20Soup")
        #expect(byText.json.map(ids) == [1])
        let byReal = await server.send("GET", "/menu?price=9.5")
        #expect(byReal.json.map(ids) == [3])
        let none = await server.send("GET", "/menu?name=Nothing")
        #expect(none.json == .array([]))
        #expect(none.header("X-Total-Count") == "0")
    }

    @Test("sort by a column, ascending or descending with a minus sign")
    func sorting() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        #expect(await server.send("GET", "/menu?sort=price").json.map(ids) == [2, 1, 5, 3, 4, 6])
        #expect(await server.send("GET", "/menu?sort=-price&limit=2").json.map(ids) == [6, 4])
        let bad = await server.send("GET", "/menu?sort=colour")
        #expect(bad.status == 400)
        #expect(bad.json?["error"]?.stringValue?.contains("colour") == true)
    }

    @Test("bad paging and unknown query parameters are 400 with what is allowed", arguments: [
        "/menu?limit=-1", "/menu?limit=ten", "/menu?limit=501", "/menu?offset=x", "/menu?colour=red",
    ])
    func badQueries(target: String) async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("GET", target)
        #expect(response.status == 400, "\(target): \(response.bodyText)")
        #expect(response.json?["error"] != nil)
    }

    @Test("GET on an item returns the row; a missing id is 404 with an error body")
    func show() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let found = await server.send("GET", "/menu/3")
        #expect(found.status == 200)
        #expect(found.json?["name"] == .string("Margherita"))
        #expect(found.json?["price"] == .number(9.5))
        let missing = await server.send("GET", "/menu/99")
        #expect(missing.status == 404)
        #expect(missing.json?["error"]?.stringValue?.contains("99") == true)
        #expect(await server.send("GET", "/menu/abc").status == 404)
    }

    @Test("If-None-Match with the current ETag gives 304 without a body; a stale one gives 200")
    func conditionalGet() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let first = await server.send("GET", "/menu/1")
        let tag = try #require(first.header("ETag"))
        let again = await server.send("GET", "/menu/1", headers: [("If-None-Match", tag)])
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.header("ETag") == tag)
        #expect(await server.send("GET", "/menu/1", headers: [("If-None-Match", "\"stale\", \(tag)")]).status == 304)
        #expect(await server.send("GET", "/menu/1", headers: [("If-None-Match", "*")]).status == 304)
        #expect(await server.send("GET", "/menu/1", headers: [("If-None-Match", "\"stale\"")]).status == 200)

        _ = await server.send("PATCH", "/menu/1", body: #"{"price": 7.0}"#)
        let changed = await server.send("GET", "/menu/1", headers: [("If-None-Match", tag)])
        #expect(changed.status == 200, "the row changed, so the old tag no longer matches")
        #expect(changed.header("ETag") != tag)
    }

    @Test("POST creates a row: 201 with Location and the row as stored")
    func create() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("POST", "/menu", headers: [("Content-Type", "application/json; charset=utf-8")],
                                          body: #"{"name": "Focaccia", "category_id": 1, "price": 5}"#)
        #expect(response.status == 201, "\(response.bodyText)")
        #expect(response.header("Location") == "/menu/7")
        #expect(response.json?["id"] == .integer(7))
        #expect(response.json?["vegetarian"] == .integer(0), "a left-out column gets its default")
        #expect(try databaseColumn("SELECT name FROM menu_items WHERE id = 7", path: server.databasePath) == [.text("Focaccia")])
    }

    @Test("422 lists an error for each bad field: wrong type, unknown, the key, missing required")
    func validation() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("POST", "/menu", body: #"{"id": 9, "name": 5, "price": "cheap", "colour": "red"}"#)
        #expect(response.status == 422)
        let fields = try #require(response.json?["fields"])
        #expect(Set(keys(fields)) == ["id", "name", "price", "colour", "category_id"])
        #expect(fields["name"]?.stringValue?.contains("text") == true)
        #expect(fields["price"]?.stringValue?.contains("number") == true)
        #expect(fields["category_id"]?.stringValue?.contains("required") == true)
        #expect(fields["colour"]?.stringValue?.contains("unknown") == true)
        #expect(try databaseColumn("SELECT count(*) FROM menu_items", path: server.databasePath) == [.integer(6)], "nothing was written")
    }

    @Test("null in a NOT NULL column is a 422 for that field")
    func nullField() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("PATCH", "/menu/1", body: #"{"name": null, "description": null}"#)
        #expect(response.status == 422)
        #expect(keys(response.json?["fields"]) == ["name"])
    }

    @Test("a CHECK constraint the database enforces is a 422 too")
    func checkConstraint() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("POST", "/menu", body: #"{"name": "Free", "category_id": 1, "price": 0}"#)
        #expect(response.status == 422)
        #expect(response.json?["error"]?.stringValue?.contains("CHECK") == true)
    }

    @Test("malformed JSON is 400 with the line and column")
    func malformedJSON() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("POST", "/menu", body: "{\"name\": \"Soup\",\n \"price\": 4,\n}")
        #expect(response.status == 400)
        #expect(response.json?["error"]?.stringValue?.contains("line 3, column 1") == true, "\(response.bodyText)")
    }

    @Test("a body that is not an object, or no body at all, is 400", arguments: ["[1, 2]", "42", ""])
    func notAnObject(body: String) async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        #expect(await server.send("POST", "/menu", body: body).status == 400)
    }

    @Test("a body that is not JSON by its Content-Type is 415")
    func unsupportedMediaType() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("POST", "/menu", headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "name=Soup")
        #expect(response.status == 415)
        #expect(response.json?["error"]?.stringValue?.contains("application/json") == true)
    }

    @Test("UNIQUE and FOREIGN KEY violations are 409 Conflict")
    func conflicts() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let unique = await server.send("POST", "/categories", body: #"{"name": "Pizza"}"#)
        #expect(unique.status == 409, "\(unique.bodyText)")
        let foreignKey = await server.send("POST", "/menu", body: #"{"name": "Ghost", "category_id": 99, "price": 1}"#)
        #expect(foreignKey.status == 409, "\(foreignKey.bodyText)")
        let stillReferenced = await server.send("DELETE", "/categories/1")
        #expect(stillReferenced.status == 409, "\(stillReferenced.bodyText)")
        #expect(try databaseColumn("SELECT count(*) FROM categories", path: server.databasePath) == [.integer(3)])
    }

    @Test("PATCH changes only the fields sent and returns the row")
    func patch() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("PATCH", "/menu/2", body: #"{"price": 4.5}"#)
        #expect(response.status == 200)
        #expect(response.json?["price"] == .number(4.5))
        #expect(response.json?["name"] == .string("Garlic Bread"))
        #expect(await server.send("PATCH", "/menu/99", body: #"{"price": 4.5}"#).status == 404)
        #expect(await server.send("PATCH", "/menu/2", body: "{}").status == 422, "nothing to change")
    }

    @Test("PUT replaces the row: a nullable field left out becomes NULL")
    func putNullsLeftOutFields() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("PUT", "/menu/1", body: #"{"name": "Soup", "category_id": 1, "price": 6}"#)
        #expect(response.status == 200, "\(response.bodyText)")
        #expect(response.json?["description"] == .null)
        #expect(response.json?["name"] == .string("Soup"))
        let missing = await server.send("PUT", "/menu/1", body: #"{"name": "Soup"}"#)
        #expect(missing.status == 422)
        #expect(Set(keys(missing.json?["fields"])) == ["category_id", "price"])
    }

    @Test("PUT replaces the row: a NOT NULL field with a default goes back to its default")
    func putResetsDefaults() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        // Tomato Soup is vegetarian (1); the column's default is 0.
        let response = await server.send("PUT", "/menu/1", body: #"{"name": "Soup", "category_id": 1, "price": 6}"#)
        #expect(response.json?["vegetarian"] == .integer(0), "observed \(response.bodyText)")
    }

    @Test("a PUT the database refuses leaves the row as it was")
    func refusedPutIsAtomic() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("PUT", "/menu/1", body: #"{"name": "Soup", "category_id": 1, "price": -1}"#)
        #expect(response.status == 422, "price > 0 is a CHECK constraint")
        let description = try databaseColumn("SELECT description FROM menu_items WHERE id = 1", path: server.databasePath)
        #expect(description == [.text("With basil")], "observed \(description)")
    }

    @Test("DELETE removes the row: 204 without a body, then 404")
    func delete() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("DELETE", "/menu/5")
        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        #expect(await server.send("GET", "/menu/5").status == 404)
        #expect(await server.send("DELETE", "/menu/5").status == 404)
    }

    @Test("a method the path does not answer is 405 with Allow; OPTIONS answers 204 with Allow")
    func methodNotAllowed() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("DELETE", "/menu")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, POST, HEAD, OPTIONS")
        let options = await server.send("OPTIONS", "/menu/1")
        #expect(options.status == 204)
        #expect(options.header("Allow") == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS")
    }

    @Test("an unknown path is 404 listing the routes there are")
    func unknownPath() async throws {
        let server = try ResponderHarness()
        defer { server.remove() }
        let response = await server.send("GET", "/dishes")
        #expect(response.status == 404)
        guard case .array(let routes) = response.json?["routes"] else {
            Issue.record("no routes list: \(response.bodyText)")
            return
        }
        #expect(routes.contains(.string("/menu")))
        #expect(routes.contains(.string("/menu/:id")))
    }

    @Test("a resource over a table that does not exist answers 500 with the reason, not a crash")
    func missingTable() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try PracticeDatabase.create(in: folder)
        let responder = KitchenResponder(routes: RouteTable(TableResource(path: "/ghosts", table: "ghosts").routes(origin: .practice)),
                                         database: DatabaseAccess(path: path), log: RequestLog(), limits: ServerLimits())
        var request = ServerRequest(method: "GET", path: "/ghosts")
        let response = await responder.answer(&request)
        #expect(response.status == 500)
        #expect(response.bodyText.contains("ghosts"))
    }

    @Test("a table without an integer key is served by rowid")
    func rowidTable() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("notes.db")
        let connection = try Connection(path: path)
        try connection.trusted { try connection.execute("CREATE TABLE notes (body TEXT NOT NULL); INSERT INTO notes VALUES ('first')") }
        let responder = KitchenResponder(routes: RouteTable(TableResource(path: "/notes/", table: "notes").routes(origin: .practice)),
                                         database: DatabaseAccess(path: path), log: RequestLog(), limits: ServerLimits())
        var create = ServerRequest(method: "POST", path: "/notes", headers: [("Content-Type", "application/json")], body: Array(#"{"body": "second"}"#.utf8))
        let created = await responder.answer(&create)
        #expect(created.status == 201)
        #expect(created.header("Location") == "/notes/2")
        var show = ServerRequest(method: "GET", path: "/notes/2")
        #expect(await responder.answer(&show).json?["body"] == .string("second"))
    }
}

/// The `id`s of a JSON array of rows.
func ids(_ value: JSONValue) -> [Int64] {
    guard case .array(let rows) = value else { return [] }
    return rows.compactMap { row in
        if case .integer(let id)? = row["id"] { return id }
        return nil
    }
}
