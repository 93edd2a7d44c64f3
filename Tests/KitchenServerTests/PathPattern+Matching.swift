import Testing
@testable import KitchenServer

@Suite("PathPattern: literal segments and :name parameters")
struct PathPatternMatchingTests {
    @Test("a literal pattern matches exactly its own path")
    func literalMatches() {
        let pattern = PathPattern("/menu")
        #expect(pattern.match("/menu") == [:])
        #expect(pattern.match("/orders") == nil)
        #expect(pattern.match("/menu/3") == nil)
        #expect(pattern.match("/") == nil)
    }

    @Test("a parameter segment captures the segment under its name")
    func parameterCaptures() {
        let pattern = PathPattern("/menu/:id")
        #expect(pattern.match("/menu/3") == ["id": "3"])
        #expect(pattern.match("/menu/garlic-bread") == ["id": "garlic-bread"])
        #expect(pattern.match("/menu") == nil, "a parameter needs a segment to capture")
        #expect(pattern.match("/menu/3/extra") == nil, "more segments than the pattern do not match")
        #expect(pattern.match("/orders/3") == nil, "the literal part must still match")
    }

    @Test("several parameters are captured independently")
    func severalParameters() {
        let pattern = PathPattern("/orders/:order/items/:item")
        #expect(pattern.match("/orders/7/items/2") == ["order": "7", "item": "2"])
        #expect(pattern.match("/orders/7/lines/2") == nil)
    }

    @Test("parameters are percent-decoded")
    func percentDecoding() {
        #expect(PathPattern("/menu/:name").match("/menu/Tomato%20Soup") == ["name": "Tomato Soup"])
        #expect(PathPattern("/menu/:name").match("/menu/caf%C3%A9") == ["name": "café"])
    }

    @Test("a trailing slash does not change the match")
    func trailingSlash() {
        #expect(PathPattern("/menu").match("/menu/") == [:])
        #expect(PathPattern("/menu/").match("/menu") == [:])
    }

    @Test("the root pattern matches only the root")
    func root() {
        #expect(PathPattern("/").match("/") == [:])
        #expect(PathPattern("/").match("/menu") == nil)
    }

    @Test("a pattern prints as it was written", arguments: ["/menu", "/menu/:id", "/orders/:order/items/:item", "/"])
    func description(text: String) {
        #expect(PathPattern(text).description == text)
    }

    @Test("patterns with the same segments are equal; a parameter's name matters")
    func equality() {
        #expect(PathPattern("/menu/:id") == PathPattern("/menu/:id/"))
        #expect(PathPattern("/menu/:id") != PathPattern("/menu/:key"))
        #expect(PathPattern("/menu/:id") != PathPattern("/menu/id"))
    }
}
