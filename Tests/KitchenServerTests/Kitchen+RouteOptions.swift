import Foundation
import Testing
@testable import KitchenServer

/// The route lines of "The web half, part 2" through the built binary over loopback: typed at the
/// prompt (stdin from a file) and served by `kitchen serve` to curl, as a learner uses them.
@Suite("kitchen: html, one, several statements, inputs and secrets through the binary", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenRouteOptionTests {
    static let secret = "live-secret-4d2e91aa"

    /// Runs `kitchen` with `input` on stdin, a fresh Kitchen home and `environment` added.
    static func kitchen(input: String, home: TemporaryFolder, environment: [String: String] = [:]) throws -> ProcessOutput {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try input.write(toFile: folder.file("input"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Tools.kitchen))
        process.arguments = ["--lessons", Tools.lessons]
        process.environment = ["KITCHEN_HOME": home.path, "PATH": "/usr/bin:/bin"].merging(sanitizerEnvironment) { $1 }.merging(environment) { $1 }
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: folder.file("input")))
        _ = FileManager.default.createFile(atPath: folder.file("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: folder.file("err"), contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("out")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("err")))
        try process.run()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus,
                             stdout: (try? String(contentsOfFile: folder.file("out"), encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOfFile: folder.file("err"), encoding: .utf8)) ?? "")
    }

    @Test("html escapes a stored <script> unless raw, one answers an object, and a failing second statement rolls back the first",
          .timeLimit(.scaledMinutes(1)))
    func pagesObjectsAndTransactions() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try Self.kitchen(input: """
            .lesson routes
            UPDATE menu_items SET description = '<script>alert(1)</script>' WHERE id = 1;
            route GET /dish-page/:id
              html <h1>{{name}}</h1><p>{{description}}</p>
              sql SELECT name, description FROM menu_items WHERE id = :id
            end
            GET /dish-page/1
            route GET /raw-page/:id
              html <p>{{{description}}}</p>
              sql SELECT description FROM menu_items WHERE id = :id
            end
            GET /raw-page/1
            route GET /first-dish
              one
              sql SELECT id, name FROM menu_items ORDER BY id LIMIT 1
            end
            GET /first-dish
            route POST /quick-order
              required table_no integer 1..12
              required item_id integer
              required qty integer
              respond INSERT INTO orders (table_no, ordered_at) VALUES (:table_no, '2030-01-01 12:00') RETURNING id, table_no
              sql INSERT INTO order_items (order_id, item_id, qty) VALUES (last_insert_rowid(), :item_id, :qty)
            end
            POST /quick-order {"table_no": 3, "item_id": 1, "qty": 0}
            SELECT 'failed-orders:' || count(*) FROM orders WHERE ordered_at = '2030-01-01 12:00';
            POST /quick-order {"table_no": 3, "item_id": 1, "qty": 2}
            SELECT 'orders:' || count(*) || ' lines:' || (SELECT count(*) FROM order_items WHERE qty = 2 AND order_id = (SELECT max(id) FROM orders)) FROM orders WHERE ordered_at = '2030-01-01 12:00';
            route POST /customers
              required name text
              sql INSERT INTO customers (name, joined, email) VALUES (:name, '2024-01-01', :email) RETURNING id
            end
            """, home: home)
        let out = output.stdout, err = output.stderr
        #expect(out.contains("<h1>Garlic Bread</h1><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"), "\(out)")
        #expect(out.contains("<p><script>alert(1)</script></p>"), "the raw form writes the stored script into the page")
        #expect(out.lowercased().contains("content-type: text/html; charset=utf-8"))
        #expect(out.contains("\"name\": \"Garlic Bread\"") && !out.contains("[\n  {\n    \"id\": 1"), "GET /first-dish answers an object, not a list")
        #expect(out.contains("HTTP/1.1 422"), "the CHECK on qty refuses the second statement")
        #expect(out.contains("failed-orders:0"), "the first statement was rolled back: \(out)")
        #expect(out.contains("HTTP/1.1 201"))
        #expect(out.contains("orders:1 lines:1"))
        #expect(err.contains("the SQL names :email, but nothing binds it"), "\(err)")
        #expect(!out.contains("Route POST /customers added"))
    }

    @Test("a secret from the environment binds, and is masked in responses, .requests and .wire",
          .timeLimit(.scaledMinutes(1)))
    func secretsAtThePrompt() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try Self.kitchen(input: """
            .lesson routes
            route GET /admin/orders
              secret admin_token
              required token text
              sql SELECT id FROM orders WHERE :token = :admin_token ORDER BY id LIMIT 2
            end
            route POST /staff-token
              secret admin_token
              sql INSERT INTO staff (name, role) VALUES (:admin_token, 'robot') RETURNING id, name
            end
            route GET /leak
              secret admin_token
              sql SELECT :admin_token AS token
            end
            POST /staff-token {}
            GET /admin/orders?token=wrong-guess
            GET /admin/orders?token=\(Self.secret)
            .requests
            .wire
            """, home: home, environment: ["KITCHEN_SECRET_ADMIN_TOKEN": Self.secret])
        let out = output.stdout, err = output.stderr
        #expect(out.contains("\"name\": \"[secret ADMIN_TOKEN]\""), "the response is masked: \(out)")
        #expect(out.contains("\"id\": 1"), "the right token finds orders")
        #expect(out.contains("GET /admin/orders?token=[secret ADMIN_TOKEN]"), ".requests and .wire show the mask")
        #expect(out.contains("GET /admin/orders?token=[secret ADMIN_TOKEN] HTTP/1.1\\r\\n"), ".wire shows the mask in the raw bytes")
        #expect(out.contains("token=wrong-guess"), "other values are left alone")
        #expect(!out.contains(Self.secret), "the value appears nowhere in the output: \(out)")
        #expect(!err.contains(Self.secret))
        #expect(err.contains("would send the secret :admin_token back to the client"), "\(err)")
        // The route file saved in the home names the secret, never its value.
        let saved = try String(contentsOfFile: home.file("routes/routes.routes"), encoding: .utf8)
        #expect(saved.contains("secret admin_token") && !saved.contains(Self.secret))
    }

    @Test("kitchen serve masks a secret in its request lines and in responses to curl; an html route answers text/html",
          .enabled(if: Tools.curl != nil, "needs curl"), .timeLimit(.scaledMinutes(1)))
    func secretsInServe() async throws {
        let routes = """
            route GET /admin/orders
              secret admin_token
              required token text
              sql SELECT id FROM orders WHERE :token = :admin_token ORDER BY id LIMIT 1
            end

            route POST /staff-token
              secret admin_token
              sql INSERT INTO staff (name, role) VALUES (:admin_token, 'robot') RETURNING id, name
            end

            route GET /staff-page
              html <ul>{{#rows}}<li>{{name}}</li>{{/rows}}</ul>
              sql SELECT name FROM staff WHERE role = 'robot'
            end
            """
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "routes"],
                                     environment: ["KITCHEN_SECRET_ADMIN_TOKEN": Self.secret]) { home in
            try FileManager.default.createDirectory(atPath: home.file("routes"), withIntermediateDirectories: true)
            try routes.write(toFile: home.file("routes/routes.routes"), atomically: true, encoding: .utf8)
        }
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 30)))
        let url = "http://127.0.0.1:\(port)"
        let curl = try #require(Tools.curl)
        func send(_ arguments: [String]) async throws -> String {
            try await onOwnThread { try runProgram(curl, ["-s", "-i", "--max-time", "10"] + arguments) }.stdout
        }
        let found = try await send([url + "/admin/orders?token=" + Self.secret])
        #expect(found.hasPrefix("HTTP/1.1 200") && found.contains("[{\"id\":1}]"), "\(found)")
        let stored = try await send(["-X", "POST", url + "/staff-token"])
        #expect(stored.hasPrefix("HTTP/1.1 201") && stored.contains("[secret ADMIN_TOKEN]") && !stored.contains(Self.secret), "\(stored)")
        let page = try await send([url + "/staff-page"])
        #expect(page.lowercased().contains("content-type: text/html; charset=utf-8"))
        #expect(page.contains("<li>[secret ADMIN_TOKEN]</li>"), "the page is masked too: \(page)")

        var lines: [String] = []
        for _ in 0..<3 {
            guard let line = try await serve.line(seconds: 10) else { break }
            lines.append(line)
        }
        #expect(lines.first?.hasPrefix("GET /admin/orders?token=[secret ADMIN_TOKEN] 200") == true, "\(lines)")
        #expect(!lines.joined().contains(Self.secret))
        #expect(try await serve.interrupt() == 0)
        #expect(!(try await serve.stderrText()).contains(Self.secret))
    }
}
