import Foundation
import KitchenLessons
import Testing
@testable import KitchenServer
@testable import KitchenServerChecks

/// The clinic lesson (KitchenLessonsTests/Fixtures/clinic): a teacher's lesson on new data with
/// route and HTTP steps, whose rows line up by chance as first data often does (appointment k is
/// patient k's, patients 2 to 4 have one appointment each, there are four doctors today).
/// Wrong routes the grader accepted before, each refused now with its reason, and honest
/// variations that must pass.
@Suite("Grading holes: write routes on other data, inputs only the learner reads, bounds from today's ids (the clinic)")
struct GradingHolesClinic {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "KitchenLessonsTests/Fixtures/clinic")
    static var yaml: String { (try? String(contentsOf: folder.appending(path: "clinic.yaml"), encoding: .utf8)) ?? "" }

    func lesson(_ text: String = Self.yaml) throws -> Lesson {
        try LibraryLesson.load(text)
    }

    /// A block route with the lines given, between `route HEAD` and `end`.
    func block(_ head: String, _ lines: [String]) -> String {
        (["route " + head] + lines.map { "  " + $0 } + ["end"]).joined(separator: "\n")
    }

    func expectPasses(_ answers: [String], step: String, in lesson: Lesson) async throws {
        for answer in answers {
            let verdict = try await lesson.grade(answer, step: step)
            #expect(verdict.passed, "\(answer)\n\(verdict.explanation)")
        }
    }

    func expectFails(_ answer: String, step: String, in lesson: Lesson, saying words: [String]) async throws {
        let verdict = try await lesson.grade(answer, step: step)
        #expect(!verdict.passed, "\(answer)")
        for word in words {
            #expect(verdict.explanation.contains(word), "\(answer)\nmissing \"\(word)\" in:\n\(verdict.explanation)")
        }
    }

    @Test("every step proves itself: the solution passes, every wrong answer fails with its expected explanation")
    func selfTest() async throws {
        let lesson = try lesson()
        let outcomes = try await onOwnThread { LessonSelfTest().run(lesson) }
        #expect(outcomes.count == 9)
        for outcome in outcomes {
            #expect(outcome.problems.isEmpty, "\(outcome.stepID): \(outcome.problems.joined(separator: "\n"))")
        }
    }

    static let ownerLine = "owner SELECT patient_id FROM appointments WHERE id = :id"
    static let slotRule = "required slot text one-of 09:00|09:30|10:00|10:30"

    @Test("an owner line reading the wrong table, or an UPDATE of all the user's rows, fails on other data; honest spellings pass")
    func ownerOnOtherData() async throws {
        let lesson = try lesson()
        let wrongTable = block("PATCH /appointments/:id", ["auth", "owner SELECT id FROM patients WHERE id = :id", Self.slotRule,
                                                          "sql UPDATE appointments SET slot = :slot WHERE id = :id RETURNING *"])
        try await expectFails(wrongTable, step: "move", in: lesson, saying: [RouteCheck.writeVariantProbeName, "expected status 403, got 200"])
        let everyRowOfTheUser = block("PATCH /appointments/:id", ["auth", Self.ownerLine, Self.slotRule,
                                                                 "sql UPDATE appointments SET slot = :slot WHERE patient_id = :current_user_id RETURNING *"])
        try await expectFails(everyRowOfTheUser, step: "move", in: lesson, saying: [RouteCheck.writeVariantWithStepIDsProbeName, "on other data"])
        try await expectPasses([
            block("PATCH /appointments/:id", ["auth", "owner SELECT a.patient_id FROM appointments AS a WHERE a.id = :id", Self.slotRule,
                                              "sql UPDATE appointments SET slot = :slot WHERE id = :id RETURNING *"]),
            block("PATCH /appointments/:id", [Self.slotRule, "auth", Self.ownerLine,
                                              "sql UPDATE appointments SET slot = :slot WHERE id = :id AND patient_id = :current_user_id RETURNING id, patient_id, doctor_id, day, slot, status, note"]),
            block("PATCH /appointments/:id", ["auth", Self.ownerLine, "required slot text one-of 10:30|10:00|09:30|09:00",
                                              "sql UPDATE appointments SET slot = :slot WHERE rowid = :id RETURNING *"]),
        ], step: "move", in: lesson)
    }

    @Test("a DELETE by the wrong column, which names the same row today, fails on other data; honest spellings pass")
    func deleteOnOtherData() async throws {
        let lesson = try lesson()
        try await expectFails("route DELETE /appointments/:id = DELETE FROM appointments WHERE patient_id = :id", step: "remove", in: lesson,
                              saying: [RouteCheck.writeVariantProbeName, "on other data, expected status 204, got 404"])
        try await expectPasses([
            "route DELETE /appointments/:id = DELETE FROM appointments WHERE appointments.id = :id",
            "route DELETE /appointments/:id = DELETE FROM appointments WHERE id IN (SELECT id FROM appointments WHERE id = :id)",
            block("DELETE /appointments/:id", ["sql DELETE FROM appointments WHERE id = :id"]),
        ], step: "remove", in: lesson)
    }

    @Test("an input only the learner's route reads, and a bound copied from today's ids, fail; honest rules pass")
    func inputsAndBounds() async throws {
        let lesson = try lesson()
        let insert = "sql INSERT INTO appointments (patient_id, doctor_id, day, slot, note) VALUES (:current_user_id, :doctor_id, :day, :slot, :note) RETURNING *"
        let rules = ["required doctor_id integer 1..", "required day date", Self.slotRule, "optional note text length ..200"]
        let anyPatient = block("POST /appointments", ["auth", "optional patient_id integer 1.."] + rules + [
            "sql INSERT INTO appointments (patient_id, doctor_id, day, slot, note) VALUES (coalesce(:patient_id, :current_user_id), :doctor_id, :day, :slot, :note) RETURNING *",
        ])
        // Already refused before: the boundaries of the learner's own rule send patient_id.
        try await expectFails(anyPatient, step: "book", in: lesson, saying: ["patient_id exactly 1 (the minimum), at a boundary of your rule"])
        // A text input has no boundary to send; it is sent with a value of its own.
        let anyStatus = block("PATCH /appointments/:id", ["auth", Self.ownerLine, Self.slotRule, "optional status text",
                                                         "sql UPDATE appointments SET slot = :slot, status = coalesce(:status, status) WHERE id = :id RETURNING *"])
        try await expectFails(anyStatus, step: "move", in: lesson, saying: [#"the valid request with status "x" (your route reads status; the task's route has no such input)"#,
                                                                           "expected status 200, got 422"])
        let todaysDoctors = block("POST /appointments", ["auth", "required doctor_id integer 1..4"] + rules.dropFirst() + [insert])
        try await expectFails(todaysDoctors, step: "book", in: lesson, saying: ["on other data, expected status 201, got 422", "not from today's ids"])
        try await expectPasses([
            block("POST /appointments", ["auth", "required slot text one-of 10:30|10:00|09:30|09:00", "required day date",
                                         "optional note text length 0..200", "required doctor_id integer 1..", insert]),
            block("POST /appointments", ["auth"] + rules + [
                "sql INSERT INTO appointments (doctor_id, patient_id, slot, day, note, status) VALUES (:doctor_id, :current_user_id, :slot, :day, :note, 'booked') RETURNING *",
            ]),
            // A stricter rule where the database refuses anyway (no doctor 0 on any data) is fine.
            block("POST /appointments", ["auth", "required doctor_id integer 1..9999999"] + rules.dropFirst() + [insert]),
        ], step: "book", in: lesson)
    }

    @Test("INSERT OR REPLACE (or OR IGNORE) where a second booking of the same slot must clash, and a pattern looser than the one-of, fail")
    func clashesAndPatterns() async throws {
        let lesson = try lesson()
        let rules = ["auth", "required doctor_id integer 1..", "required day date", Self.slotRule, "optional note text length ..200"]
        for verb in ["INSERT OR REPLACE", "INSERT OR IGNORE"] {
            let route = block("POST /appointments", rules + [
                "sql \(verb) INTO appointments (patient_id, doctor_id, day, slot, note) VALUES (:current_user_id, :doctor_id, :day, :slot, :note) RETURNING *",
            ])
            try await expectFails(route, step: "book", in: lesson, saying: ["the same valid request again, right after the first", "expected status 409"])
        }
        // The reference's second booking is refused; an honest route that checks the clash itself passes too.
        try await expectPasses([
            block("POST /appointments", rules + [
                "sql INSERT INTO appointments (patient_id, doctor_id, day, slot, note) VALUES (:current_user_id, :doctor_id, :day, :slot, :note) RETURNING id, patient_id, doctor_id, day, slot, status, note",
            ]),
        ], step: "book", in: lesson)
        let halfHours = block("PATCH /appointments/:id", ["auth", Self.ownerLine, "required slot text pattern [0-9]{2}:[03]0",
                                                         "sql UPDATE appointments SET slot = :slot WHERE id = :id RETURNING *"])
        try await expectFails(halfHours, step: "move", in: lesson, saying: [#"slot "20:30", which matches the pattern, at a boundary of your rule"#, "expected status 422, got 200"])
        // A pattern exactly as strict as the list passes.
        try await expectPasses([
            block("PATCH /appointments/:id", ["auth", Self.ownerLine, "required slot text pattern (09|10):(00|30)",
                                              "sql UPDATE appointments SET slot = :slot WHERE id = :id RETURNING *"]),
        ], step: "move", in: lesson)
    }

    @Test("honest spellings of the GET routes pass: operands swapped, IN, aliases, positions, another column order, an extra tie-break")
    func honestLists() async throws {
        let lesson = try lesson()
        try await expectPasses([
            block("GET /schedule", ["required day date", "sql SELECT id, doctor_id, slot FROM appointments WHERE :day = day AND status IN ('booked') ORDER BY slot ASC, doctor_id ASC"]),
            block("GET /schedule", ["required day date", "sql SELECT a.id, a.doctor_id, a.slot FROM appointments a WHERE a.day = :day AND a.status = 'booked' ORDER BY 3, 2"]),
            block("GET /schedule", ["required day date", "sql SELECT id, slot, doctor_id FROM appointments WHERE day = :day AND status = 'booked' ORDER BY slot, doctor_id, id"]),
        ], step: "schedule", in: lesson)
        try await expectPasses([
            "route GET /doctor-schedule = SELECT slot, day, id FROM appointments WHERE status = 'booked' AND doctor_id = :doctor_id ORDER BY day ASC, slot ASC",
            block("GET /doctor-schedule", ["required doctor_id integer", "sql SELECT id, day, slot FROM appointments WHERE doctor_id = :doctor_id AND status = 'booked' ORDER BY day, slot"]),
        ], step: "doctor-schedule", in: lesson)
        try await expectPasses([
            "route GET /doctors/:id/appointments = SELECT a.id, a.day, a.slot, (SELECT name FROM patients WHERE id = a.patient_id) AS patient FROM appointments a WHERE a.doctor_id = :id AND a.status = 'booked' ORDER BY a.day, a.slot",
            "route GET /doctors/:id/appointments = SELECT a.id, a.day, a.slot, p.name AS patient FROM patients p JOIN appointments a ON a.patient_id = p.id WHERE a.status = 'booked' AND a.doctor_id = :id ORDER BY 2, 3",
        ], step: "doctor-appointments", in: lesson)
    }

    @Test("honest requests pass the HTTP steps: headers on their own lines, another key order, a PUT of the whole row, a mistake sent before the right request")
    func honestRequests() async throws {
        let lesson = try lesson()
        try await expectPasses([
            "GET /appointments/5\nAccept: application/json",
            "GET /appointments/6\n###\nGET /appointments/5",
        ], step: "look-up", in: lesson)
        try await expectPasses([
            "PATCH /appointments/7\nContent-Type: application/json\n\n{\"status\":\"cancelled\"}",
            #"PUT /appointments/7 {"patient_id": 1, "doctor_id": 1, "day": "2024-05-03", "slot": "09:00", "status": "cancelled", "note": null}"#,
            #"PATCH /appointments/7 {"status": "canceled"}"# + "\n###\n" + #"PATCH /appointments/7 {"status": "cancelled"}"#,
        ], step: "cancel", in: lesson)
        try await expectPasses([
            #"POST /appointments {"slot": "10:00", "day": "2024-05-06", "doctor_id": 3, "patient_id": 2}"#,
            #"POST /appointments {"patient_id": 2, "doctor_id": 3, "day": "2024-05-06", "slot": "10:3"}"# + "\n###\n"
                + #"POST /appointments {"patient_id": 2, "doctor_id": 3, "day": "2024-05-06", "slot": "10:00"}"#,
        ], step: "book-by-request", in: lesson)
        // Still refused: a right request followed by a stray one, and the booking in text where numbers are asked.
        try await expectFails(#"PATCH /appointments/7 {"status": "cancelled"}"# + "\n###\n" + #"PATCH /appointments/9 {"note": "late"}"#,
                              step: "cancel", in: lesson, saying: ["rows of appointments"])
        try await expectFails(#"POST /appointments {"patient_id": "2", "doctor_id": "3", "day": "2024-05-06", "slot": "10:00"}"#,
                              step: "book-by-request", in: lesson, saying: ["the body is"])
    }

    @Test("a route step whose solution refuses its own valid request (the user owns nothing there), or finds nothing, is reported by the self-test")
    func routeStepThatGradesRefusals() async throws {
        let notTheOwner = Self.yaml.replacingOccurrences(of: "      target: /appointments/3\n      example: '{\"slot\": \"10:30\"}'\n      user: 3",
                                                        with: "      target: /appointments/3\n      example: '{\"slot\": \"10:30\"}'\n      user: 2")
        let emptyDay = notTheOwner.replacingOccurrences(of: #"example: '{"day": "2024-05-03"}'"#, with: #"example: '{"day": "2024-06-01"}'"#)
        #expect(emptyDay != Self.yaml)
        let lesson = try lesson(emptyDay)
        let outcomes = try await onOwnThread { LessonSelfTest().run(lesson) }
        let move = try #require(outcomes.first { $0.stepID == "move" })
        #expect(move.problems.contains { $0.contains("answers the step's valid request (PATCH /appointments/3) with 403") }, "\(move.problems)")
        let schedule = try #require(outcomes.first { $0.stepID == "schedule" })
        #expect(schedule.problems.contains { $0.contains("with an empty list") }, "\(schedule.problems)")
        // A 404 on an item route's target is allowed (the ids around it are probed): the other steps are sound.
        for outcome in outcomes where !["move", "schedule"].contains(outcome.stepID) {
            #expect(!outcome.problems.contains { $0.contains("answers the step's valid request") }, "\(outcome.stepID): \(outcome.problems)")
        }
    }

    @Test("an http-state step whose solution changes nothing is reported by the self-test: any refused request would pass it")
    func stateStepThatChangesNothing() async throws {
        // The cancel step moved after the route step whose PATCH /appointments/:id (with auth)
        // now answers the request meant for the resource: the solution gets 401.
        let text = Self.yaml
        let steps = text.components(separatedBy: "\n  - id: ")
        let cancel = try #require(steps.first { $0.hasPrefix("cancel\n") })
        let reordered = steps.filter { $0 != cancel }.joined(separator: "\n  - id: ") + "\n\n  - id: " + cancel
        let lesson = try lesson(reordered)
        let outcomes = try await onOwnThread { LessonSelfTest().run(lesson) }
        let outcome = try #require(outcomes.first { $0.stepID == "cancel" })
        #expect(outcome.problems.contains { $0.contains("the solution's requests leave the database as the step found it") && $0.contains("401") },
                "\(outcome.problems)")
        // The wrong answers that now pass are why.
        let typo = try await lesson.grade(#"PATCH /appointments/7 {"status": "canceled"}"#, step: "cancel")
        #expect(typo.passed, "a refused request leaves the database as the refused solution does")
    }
}
