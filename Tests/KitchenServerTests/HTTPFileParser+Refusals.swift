import Foundation
import Testing
@testable import KitchenServer

/// Every construct Kitchen refuses rather than send something the file does not mean: the
/// problem names the file, the line, and what to write instead. Each case runs with LF and with
/// CR LF line endings, which must not change the line or the message.
@Suite("Refused .http constructs: file:line and the reason")
struct HTTPFileRefusalTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var title: String
        var text: String
        var line: Int
        var message: String
        var options = HTTPFileRunner.Options()
        var testDescription: String { title }
    }

    static let cases: [Case] = [
        Case(title: "a JSON body with no blank line before it", text: "POST /menu\nContent-Type: application/json\n{\"name\": \"Soup\"}\n",
             line: 3, message: "leave a blank line between the headers and the body"),
        Case(title: "two requests with no ### between them", text: "GET /menu\n\nGET /menu/2\n",
             line: 3, message: "separate requests with a ### line"),
        Case(title: "a request right under a request", text: "GET /menu\nGET /menu/2\n",
             line: 2, message: "separate requests with a ### line"),
        Case(title: "an undefined variable", text: "GET /menu/{{dishId}}\n",
             line: 1, message: "{{dishId}} is not defined: define it with @dishId = value, in an environment (--env NAME), or give it with --var dishId=VALUE"),
        Case(title: "an empty variable", text: "@id =\n\nGET /menu/{{id}}\n",
             line: 3, message: "{{id}} is empty (@id at line 1)"),
        Case(title: "an unclosed {{", text: "GET {{host}/menu\n",
             line: 1, message: "an opening {{ with no closing }}"),
        Case(title: "a JetBrains response handler", text: "GET /menu\n\n> {%\n    client.global.set(\"id\", response.body.id);\n%}\n",
             line: 3, message: "a JetBrains response handler script: Kitchen runs no JavaScript"),
        Case(title: "a JetBrains handler file", text: "GET /menu\n\n> ./check.js\n",
             line: 3, message: "a JetBrains response handler script"),
        Case(title: "a JetBrains pre-request script", text: "< {%\n    request.variables.set(\"id\", 1)\n%}\nGET /menu\n",
             line: 1, message: "a JetBrains pre-request script (< {% … %})"),
        Case(title: "response redirection to a file", text: "GET /menu\n\n>> saved.json\n",
             line: 3, message: "response redirection to a file (>> FILE)"),
        Case(title: "a saved-response reference", text: "GET /menu\n\n<> 2024-05-01T120000.200.json\n",
             line: 3, message: "a JetBrains saved-response reference (<> FILE)"),
        Case(title: "an httpyac assertion", text: "GET /menu\n\n?? status == 200\n",
             line: 3, message: "an httpyac assertion (?? …)"),
        Case(title: "an httpyac script block", text: "{{\n  exports.id = 3;\n}}\nGET /menu\n",
             line: 1, message: "an httpyac script block"),
        Case(title: "a saved response pasted under the request",
             text: "GET /menu\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n[{\"id\": 1}]\n",
             line: 3, message: "this looks like a saved response pasted under the request"),
        Case(title: "a saved response with no request", text: "HTTP/1.1 200 OK\nContent-Type: application/json\n",
             line: 1, message: "a saved response with no request before it"),
        Case(title: "headers of a saved response after HTTP 200", text: "GET /menu\n\nHTTP 200\nContent-Type: application/json\n",
             line: 4, message: "this looks like a saved response's header; to check it write an assert such as header \"Content-Type\" == \"application/json\""),
        Case(title: "prose where a request line should be", text: "Dishes of the day\n",
             line: 1, message: "expected a request line (METHOD URL, e.g. GET /menu)"),
        Case(title: "a method with no URL", text: "GET\n", line: 1, message: "GET needs a URL"),
        Case(title: "CONNECT", text: "CONNECT localhost:443\n", line: 1, message: "CONNECT opens a tunnel"),
        Case(title: "HTTP/2 on the request line", text: "# list\nGET /menu HTTP/2\n", line: 2,
             message: "HTTP/2: Kitchen sends every request as HTTP/1.1 (its server speaks nothing else); write HTTP/1.1 or leave the version out"),
        Case(title: "HTTP/1.0 on the request line", text: "GET /menu HTTP/1.0\n", line: 1, message: "HTTP/1.0: Kitchen sends every request as HTTP/1.1"),
        Case(title: "JetBrains' HTTP/2 (Prior Knowledge)", text: "GET http://localhost:8080/menu HTTP/2 (Prior Knowledge)\n", line: 1,
             message: "HTTP/2 (Prior Knowledge): Kitchen sends every request as HTTP/1.1"),
        Case(title: "a request variable of a later request",
             text: "GET /menu/{{later.response.body.$.id}}\n\n###\n# @name later\nGET /menu\n",
             line: 1, message: "reads the request named later (line 5), which is not sent before this one"),
        Case(title: "a request variable of no request", text: "GET /menu/{{nobody.response.body.$.id}}\n",
             line: 1, message: "no request is named nobody"),
        Case(title: "a request variable with no path", text: "# @name a\nGET /menu\n\n###\nGET /menu/{{a.response.body}}\n",
             line: 5, message: "write {{a.response.body.$.field}}, {{a.response.body.*}} or {{a.response.headers.Name}}"),
        Case(title: "a JSONPath filter", text: "# @name a\nGET /menu\n\n###\nGET /menu/{{a.response.body.$[?(@.id)]}}\n",
             line: 5, message: "not [?(@.id)]"),
        Case(title: "a variable redefined with another value", text: "@id = 1\nGET /menu/{{id}}\n\n###\n@id = 2\nGET /menu/{{id}}\n",
             line: 5, message: "@id is defined again (first at line 1) with another value"),
        Case(title: "variables that refer to each other", text: "@a = {{b}}\n@b = x{{a}}\nGET /{{a}}\n",
             line: 3, message: "refers to itself"),
        Case(title: "a prompt with no value in batch mode", text: "# @prompt dishId Which dish?\nGET /menu/{{dishId}}\n",
             line: 1, message: "# @prompt dishId needs a value: give it with --var dishId=VALUE"),
        Case(title: "a missing body file", text: "POST /menu\nContent-Type: application/json\n\n< ./missing.json\n",
             line: 4, message: "the body file ./missing.json cannot be read"),
        Case(title: "a form line without &", text: "POST /login\nContent-Type: application/x-www-form-urlencoded\n\nuser=ana\npassword=x\n",
             line: 5, message: "each line after the first must start with & in the first column"),
        Case(title: "a file with no request", text: "# only a comment\n@host = http://localhost\n",
             line: 1, message: "no request in this file"),
        Case(title: "an empty file", text: "", line: 1, message: "no request in this file"),
        Case(title: "a bad $randomInt", text: "GET /menu/{{$randomInt 10 1}}\n", line: 1, message: "MIN < MAX"),
        Case(title: "an unset $processEnv", text: "GET /menu\nX-Token: {{$processEnv KITCHEN_SURELY_UNSET_1}}\n",
             line: 2, message: "the environment variable KITCHEN_SURELY_UNSET_1 is not set"),
        Case(title: "a $dotenv with no .env", text: "GET /menu\nX-Key: {{$dotenv KEY}}\n", line: 2, message: "there is none"),
        Case(title: "an unknown system variable", text: "GET /menu/{{$random.email}}\n", line: 1, message: "unknown system variable $random.email"),
        Case(title: "a custom date format", text: "GET /menu\nX-Date: {{$datetime 'YYYY'}}\n", line: 2, message: "a custom format like 'YYYY' is not supported"),
        Case(title: "another host", text: "GET https://api.example.com/menu\n", line: 1, message: "is not on Kitchen's server"),
        Case(title: "a Host header for another host", text: "GET /menu\nHost: example.com\n", line: 2, message: "Host: example.com is not Kitchen's server"),
        Case(title: "a JetBrains directive that changes the request", text: "# @no-auto-encoding\nGET /menu?q=a b\n",
             line: 1, message: "# @no-auto-encoding is a JetBrains/httpyac directive Kitchen does not follow"),
        Case(title: "a request name with a dash", text: "# @name my-login\nGET /menu\n", line: 1, message: "a request name may hold only letters, digits and _"),
        Case(title: "a variable line inside a body", text: "POST /menu\nContent-Type: text/plain\n\nhello\n@id = 3\n",
             line: 5, message: "a variable definition inside a request body"),
        Case(title: "a variable line among the headers", text: "GET /menu\nAccept: */*\n@id = 3\n",
             line: 3, message: "a variable definition among the headers"),
        Case(title: "a Hurl [Captures] section", text: "GET /menu\n\nHTTP 200\n[Captures]\nid: jsonpath \"$.id\"\n",
             line: 4, message: "Hurl's [Captures] section is not supported"),
        Case(title: "an unknown assert", text: "GET /menu\n\nHTTP 200\nduration < 100\n", line: 4, message: "unknown assert 'duration'"),
        Case(title: "Digest authentication", text: "GET /menu\nAuthorization: Digest ana secret\n", line: 2, message: "Digest authentication needs a challenge round trip"),
        Case(title: "invalid GraphQL variables", text: "POST /graphql\nX-Request-Type: GraphQL\n\n{ menu }\n\n{\"id\": }\n",
             line: 6, message: "the GraphQL variables are not valid JSON"),
        Case(title: "an unknown environment", text: "GET /menu\n", line: 1, message: "no environment named staging",
             options: HTTPFileRunner.Options(environment: "staging")),
    ]

    enum LineEndings: String, CaseIterable, CustomTestStringConvertible {
        case lf, crlf
        var testDescription: String { rawValue }
    }

    static func problems(_ text: String, options: HTTPFileRunner.Options, folder: String) -> [HTTPFileProblem] {
        do {
            let file = try HTTPFileParser.parse(text, path: "menu.http", directory: folder)
            _ = try HTTPFileRunner.prepare(file, options: options)
            return []
        } catch {
            return error.problems
        }
    }

    @Test("refused with its line and reason", arguments: cases, LineEndings.allCases)
    func refused(_ refusal: Case, endings: LineEndings) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let text = endings == .crlf ? refusal.text.replacingOccurrences(of: "\n", with: "\r\n") : refusal.text
        let problems = Self.problems(text, options: refusal.options, folder: folder.path)
        let match = problems.first { $0.message.contains(refusal.message) }
        #expect(match != nil, "got: \(problems.map(\.description))")
        if refusal.title != "an unknown environment" {
            #expect(match?.line == refusal.line, "got: \(problems.map(\.description))")
            #expect(match?.description.hasPrefix("menu.http:\(refusal.line): ") == true)
        }
    }

    @Test("a CR alone in the middle of a line is refused")
    func loneCarriageReturn() {
        let problems = Self.problems("GET /menu\nAccept: a\rb\n", options: .init(), folder: ".")
        #expect(problems.map(\.description) == ["menu.http:2: a carriage return (CR) in the middle of the line: end lines with LF or CR LF"])
    }

    @Test("all problems of a file are reported at once")
    func allProblems() {
        let problems = Self.problems("GET /menu/{{a}}\n\n###\nPOST /menu\n{\"x\": 1}\n\n###\n?? status == 200\n", options: .init(), folder: ".")
        #expect(problems.map(\.line) == [5, 8], "\(problems.map(\.description))")
    }

    @Test("what is accepted: comments, names, directives, a value defined twice the same")
    func accepted() throws {
        let text = """
            // a comment
            # @author Ana (a comment, not a directive Kitchen knows)
            @id = 3
            @id = 3

            ###
            # @name first
            # @note
            GET /menu/{{id}}

            ###
            GET /menu/{{first.response.body.$.id}}
            """
        let file = try HTTPFileParser.parse(text)
        #expect(file.requests.map(\.name) == ["first", nil])
        #expect(file.requests.map(\.line) == [9, 12])
        _ = try HTTPFileRunner.prepare(file)
    }
}
