import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("kitchen check LESSON STEP: grading without the prompt")
struct CheckCommandExitCodes {
    func answerFile(_ sandbox: Sandbox, _ text: String) throws -> String {
        let path = sandbox.root + "/answer-\(UUID().uuidString).sql"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a passing answer exits 0 and says PASS with the check's summary")
    func passExitsZero() throws {
        let sandbox = try Sandbox.pantry()
        let file = try answerFile(sandbox, "SELECT name, price\nFROM items\nWHERE price < 10;\n")
        let run = try sandbox.run(["check", "pantry", "cheap", "--answer", file, "--lessons", sandbox.lessons])
        #expect(run.status == 0)
        #expect(run.output == "PASS pantry/cheap: Correct: all 4 rows match.\n")
    }

    @Test("a failing answer exits 1 and explains why")
    func failExitsOne() throws {
        let sandbox = try Sandbox.pantry()
        let file = try answerFile(sandbox, "SELECT name FROM items WHERE price < 10;")
        let run = try sandbox.run(["check", "pantry", "1", "--answer", file, "--lessons", sandbox.lessons])
        #expect(run.status == 1)
        #expect(run.output == """
            FAIL pantry/cheap: Not yet: your result is not the one asked for.
            wrong number of columns: expected 2 (name, price), got 1 (name).
            Two columns, name and price.

            """)
    }

    @Test("a step is named by its 1-based number or its id", arguments: [("4", "refuse"), ("refuse", "refuse"), ("5", "concept")])
    func stepByNumberOrID(step: String, id: String) throws {
        let sandbox = try Sandbox.pantry()
        let answer = id == "concept" ? "b" : "INSERT INTO items (name, price) VALUES ('Bad', 0);"
        let run = try sandbox.run(["check", "pantry", step, "--answer", "-", "--lessons", sandbox.lessons], input: answer)
        #expect(run.status == 0, "\(run.output)\(run.errors)")
        #expect(run.output.hasPrefix("PASS pantry/\(id): "))
    }

    @Test("bad input exits 2 with a message on standard error", arguments: [
        (["check", "nope", "1"], "kitchen: no lesson 'nope'. Lessons: pantry"),
        (["check", "pantry", "9"], "kitchen: lesson 'pantry' has no step '9'; it has steps 1–5: cheap, add-coffee, index, refuse, concept"),
        (["check", "pantry", "1", "--answer", "/nonexistent/answer.sql"], "kitchen: cannot read the answer: /nonexistent/answer.sql: No such file or directory"),
    ])
    func badInputExitsTwo(arguments: [String], message: String) throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.run(arguments + ["--lessons", sandbox.lessons], input: "SELECT 1;")
        #expect(run.status == 2)
        #expect(run.output == "")
        #expect(run.errors == message + "\n")
    }

    @Test("a lesson that did not load is bad input, and the message says why")
    func brokenLessonIsBadInput() throws {
        let sandbox = try Sandbox.pantry()
        try sandbox.write("broken.yaml", "format: 1\nid: broken\ntitle: B\nsummary: S\nsteps:\n  - id: x\n    colour: red\n")
        let run = try sandbox.run(["check", "broken", "1", "--lessons", sandbox.lessons], input: "SELECT 1;")
        #expect(run.status == 2)
        #expect(run.errors.hasPrefix("kitchen: lesson 'broken' did not load: broken.yaml:7: unknown key 'colour'"))
    }

    @Test("--format json carries passed, summary, details and the explanation")
    func jsonReport() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.run(["check", "pantry", "add-coffee", "--format", "json", "--lessons", sandbox.lessons],
                                  input: "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 3, 2);")
        #expect(run.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(report["passed"] as? Bool == false)
        #expect(report["lesson"] as? String == "pantry")
        #expect(report["step"] as? String == "add-coffee")
        #expect(report["stepNumber"] as? Int == 2)
        let summary = try #require(report["summary"] as? String)
        #expect(summary == "Not yet: the database does not hold what it should after your statements.")
        let details = try #require(report["details"] as? [String])
        #expect(details.contains("  Coffee | 2.5 | 2   expected price = 2.5, got 3.0"))
        #expect(report["explanation"] as? String == ([summary] + details).joined(separator: "\n"))

        let pass = try sandbox.run(["check", "pantry", "add-coffee", "--format", "json", "--lessons", sandbox.lessons],
                                   input: "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);")
        #expect(pass.status == 0)
        let passed = try #require(try JSONSerialization.jsonObject(with: Data(pass.output.utf8)) as? [String: Any])
        #expect(passed["passed"] as? Bool == true)
    }

    @Test("--format junit is well-formed XML with one test case and its failure")
    func junitReport() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.run(["check", "pantry", "cheap", "--format", "junit", "--lessons", sandbox.lessons],
                                  input: "SELECT name, price FROM items WHERE price < 10 AND name <> 'Tea';")
        #expect(run.status == 1)
        let xml = try XMLSummary(run.output)
        #expect(xml.wellFormed, "\(xml.error ?? "")\n\(run.output)")
        #expect(xml.elements == ["testsuite", "testcase", "failure"])
        #expect(xml.attributes["testsuite"]?["failures"] == "1")
        #expect(xml.attributes["testcase"]?["classname"] == "pantry")
        #expect(xml.attributes["testcase"]?["name"] == "cheap")
        #expect(xml.attributes["failure"]?["message"] == "Not yet: your result is not the one asked for.")
        #expect(xml.text.contains("  - Tea | 3.0"))

        let pass = try sandbox.run(["check", "pantry", "cheap", "--format", "junit", "--lessons", sandbox.lessons],
                                   input: "SELECT name, price FROM items WHERE price < 10;")
        let passed = try XMLSummary(pass.output)
        #expect(passed.wellFormed)
        #expect(passed.elements == ["testsuite", "testcase"])
        #expect(passed.attributes["testsuite"]?["failures"] == "0")
    }

    @Test("kitchen lessons show L S --solution piped into kitchen check L S --answer - passes, for every step")
    func solutionPipesIntoCheck() throws {
        let sandbox = try Sandbox.pantry()
        for step in pantrySteps {
            let (show, showOutput, _) = try sandbox.process(["lessons", "show", "pantry", step, "--solution", "--lessons", sandbox.lessons])
            let (check, checkOutput, checkErrors) = try sandbox.process(["check", "pantry", step, "--answer", "-", "--lessons", sandbox.lessons])
            check.standardInput = showOutput
            try show.run()
            try check.run()
            let collected = Collected(output: checkOutput, errors: checkErrors)
            show.waitUntilExit()
            check.waitUntilExit()
            let (out, err) = collected.finish()
            #expect(show.terminationStatus == 0)
            #expect(check.terminationStatus == 0, "\(step): \(out)\(err)")
            #expect(out.hasPrefix("PASS pantry/\(step): "))
        }
    }

    @Test("--solution prints the reference alone, raw")
    func solutionIsRaw() throws {
        let sandbox = try Sandbox.pantry()
        let run = try sandbox.run(["lessons", "show", "pantry", "add-coffee", "--solution", "--lessons", sandbox.lessons])
        #expect(run.output == "INSERT INTO items (name, price, category_id) VALUES ('Coffee', 2.5, 2);\n")
        let missing = try sandbox.run(["lessons", "show", "pantry", "--solution", "--lessons", sandbox.lessons])
        #expect(missing.status == 2)
    }
}

/// Parses XML and keeps the element names in order, the attributes of the last of each, and the text.
final class XMLSummary: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var attributes: [String: [String: String]] = [:]
    var text = ""
    var wellFormed = false
    var error: String?

    init(_ xml: String) throws {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        wellFormed = parser.parse()
        error = parser.parserError.map { "\($0)" }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements.append(name)
        self.attributes[name] = attributes
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }
}
