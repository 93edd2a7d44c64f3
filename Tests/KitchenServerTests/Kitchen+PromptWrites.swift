import Foundation
import Testing
@testable import KitchenServer

/// Issue 12: the server caches GET responses; a change typed at the prompt must still show in the
/// very next request, through the real binary as a learner uses it.
@Suite("kitchen: a change made at the prompt is visible to the next request", .enabled(if: Tools.kitchen != nil, "needs the kitchen binary"))
struct KitchenPromptWriteTests {
    @Test("UPDATE and DELETE at the prompt, then GET: the new data, never the cached answer", .timeLimit(.scaledMinutes(1)))
    func promptWrites() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            .lesson http
            GET /menu/1
            GET /menu?limit=1
            UPDATE menu_items SET price = 99.5 WHERE id = 1;
            GET /menu/1
            GET /menu?limit=1
            DELETE FROM order_items; DELETE FROM menu_item_ingredients; DELETE FROM menu_items WHERE id = 1;
            GET /menu/1
            """, home: home)
        let prices = output.stdout.split(separator: "\n").filter { $0.contains("\"price\":") }.map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(prices == ["\"price\": 4.5,", "\"price\": 4.5,", "\"price\": 99.5,", "\"price\": 99.5,"], "\(output.stdout)")
        #expect(output.stdout.contains("HTTP/1.1 404 Not Found"), "\(output.stdout)")
        #expect(output.stdout.contains("no row of menu_items has id 1"))
    }
}
