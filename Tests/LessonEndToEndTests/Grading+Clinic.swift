import Foundation
import Testing

/// The clinic lesson (KitchenLessonsTests/Fixtures/clinic) through the binary a teacher runs:
/// `kitchen lessons test` proves its route and HTTP steps both ways, and `kitchen check` refuses
/// the write routes that line up with today's rows only by chance.
@Suite("Grading holes through the binary: the clinic's route and HTTP steps")
struct GradingClinicEndToEnd {
    static let clinicLesson: String = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "KitchenLessonsTests/Fixtures/clinic/clinic.yaml").path
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }()

    func clinic(_ name: String = #function) throws -> Sandbox {
        let sandbox = try Sandbox(name)
        try sandbox.write("clinic.yaml", Self.clinicLesson)
        return sandbox
    }

    @Test("kitchen lessons test proves the clinic lesson both ways")
    func lessonsTest() throws {
        let sandbox = try clinic()
        let run = try sandbox.run(["lessons", "test", "--lessons", sandbox.lessons])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.outputLines.contains("9 passed, 0 failed"), "\(run.output)")
    }

    @Test("kitchen check refuses write routes right only on today's rows, and passes the honest ones", arguments: [
        ("remove", "route DELETE /appointments/:id = DELETE FROM appointments WHERE patient_id = :id", 1, "on other data, expected status 204, got 404"),
        ("remove", "route DELETE /appointments/:id = DELETE FROM appointments WHERE appointments.id = :id", 0, "Correct"),
        ("move", "route PATCH /appointments/:id\n  auth\n  owner SELECT id FROM patients WHERE id = :id\n  required slot text one-of 09:00|09:30|10:00|10:30\n  sql UPDATE appointments SET slot = :slot WHERE id = :id RETURNING *\nend\n",
         1, "on other data, expected status 403, got 200"),
        ("move", "route PATCH /appointments/:id\n  auth\n  owner SELECT a.patient_id FROM appointments a WHERE a.id = :id\n  required slot text one-of 09:00|09:30|10:00|10:30\n  sql UPDATE appointments SET slot = :slot WHERE id = :id RETURNING *\nend\n",
         0, "Correct"),
    ])
    func check(step: String, answer: String, status: Int32, words: String) throws {
        let sandbox = try clinic()
        let run = try sandbox.run(["check", "clinic", step, "--lessons", sandbox.lessons], input: answer)
        #expect(run.status == status, "\(run.output)\(run.errors)")
        #expect((run.output + run.errors).contains(words), "\(run.output)\(run.errors)")
    }
}
