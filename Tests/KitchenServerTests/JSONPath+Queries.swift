import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// One JSONPath for the `.http` runner's variables and asserts and for the lessons' `http-response`
/// checks (`fields:`).
@Suite("JSONPath: one reading of a path, for .http files and lesson checks")
struct JSONPathQueryTests {
    let json: JSONValue

    init() throws {
        json = try JSONValue.parse(#"{"a": [{"id": 1, "b": {"id": 5}}, {"id": 2}], "name": "xé😀", "k y": true, "length": 7}"#)
    }

    @Test("as jsonpath-plus reads it: the first match, names, indexes from either end, wildcards, any depth")
    func matches() throws {
        #expect(try JSONPath.first("$.a[1].id", in: json) == .integer(2))
        #expect(try JSONPath.first("$.a[-1].id", in: json) == .integer(2))
        #expect(try JSONPath.first("$.a[2]", in: json) == nil)
        #expect(try JSONPath.first("$.a[-3]", in: json) == nil)
        #expect(try JSONPath.first("$..id", in: json) == .integer(1))
        #expect(try JSONPath.all("$..id", in: json) == [.integer(1), .integer(5), .integer(2)])
        #expect(try JSONPath.first("$['k y']", in: json) == .bool(true))
        #expect(try JSONPath.first(#"$["k y"]"#, in: json) == .bool(true))
        #expect(try JSONPath.all("$.a[*].id", in: json) == [.integer(1), .integer(2)])
        #expect(try JSONPath.all("$.a.*.id", in: json) == [.integer(1), .integer(2)])
        #expect(try JSONPath.first("$.missing", in: json) == nil)
        #expect(try JSONPath.first("$.name.id", in: json) == nil)
        #expect(try JSONPath.first("$", in: json) == json)
        #expect(JSONPath.text(try #require(try JSONPath.first("$.a[0].b", in: json))) == #"{"id":5}"#)
        #expect(JSONPath.text(try #require(try JSONPath.first("$.name", in: json))) == "xé😀")
    }

    @Test(".length: an array's items and a string's UTF-16 units, as JavaScript counts them; an object's own key")
    func length() throws {
        #expect(try JSONPath.first("$.a.length", in: json) == .integer(2))
        #expect(try JSONPath.first("$.name.length", in: json) == .integer(4))
        #expect(try JSONPath.first("$.length", in: json) == .integer(7))
        #expect(try JSONPath.first("$.a[0].length", in: .parse(#"{"a": [{"id": 1}]}"#)) == nil)
    }

    @Test("filters, scripts, an empty name and an open bracket are refused with the reason")
    func refusals() {
        for path in ["$[?(@.id)]", "$.a[(@.length-1)]", "$.a.", "$.a[0", "$[1:2]"] {
            #expect(throws: JSONPath.Unsupported.self, "\(path)") { try JSONPath.all(path, in: .null) }
        }
        #expect(throws: JSONPath.Unsupported.self) { try JSONPath.all("$.a[0", in: .null) }
    }

    @Test("http-response: a lesson whose fields name a path the grader cannot follow is refused at load, with its line")
    func lessonFieldsChecked() throws {
        let lesson = """
            format: 1
            id: paths
            title: Paths
            summary: Fields of a response.
            steps:
              - id: one
                title: One
                text: Ask for the menu.
                task: Ask for the menu.
                check:
                  kind: http-response
                  fields: ["$[?(@.id)]"]
                solution: GET /menu
            """
        do {
            _ = try LessonLoader(registry: HTTPChecks.registry).parse(lesson, file: "paths.yaml", fixtures: "/nonexistent")
            Issue.record("the lesson loaded")
        } catch let problem as LessonProblem {
            #expect(problem.description.contains("paths.yaml:12"), "\(problem)")
            #expect(problem.description.contains("[?(@.id)]"), "\(problem)")
        }
    }
}
