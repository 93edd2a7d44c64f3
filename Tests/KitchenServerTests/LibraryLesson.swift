import Foundation
import KitchenLessons
import KitchenSQL
@testable import KitchenServer
@testable import KitchenServerChecks

/// A lesson written for the grading tests on a dataset of its own (a lending library, not the
/// restaurant), with every HTTP and route check kind. Each step's `wrong` answers are the ones a
/// teacher would try to fool the grader with; the tests grade them and read the explanations.
enum LibraryLesson {
    static let yaml = #"""
        format: 1
        id: library
        title: The lending library
        summary: HTTP and routes over a library's books, members and loans.
        setup:
          sql: |
            CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE);
            CREATE TABLE books (
              id INTEGER PRIMARY KEY, title TEXT NOT NULL, author TEXT NOT NULL, year INTEGER, shelf TEXT
            );
            CREATE TABLE loans (
              id INTEGER PRIMARY KEY,
              book_id INTEGER NOT NULL REFERENCES books(id),
              member_id INTEGER NOT NULL REFERENCES members(id),
              day TEXT NOT NULL,
              weeks INTEGER NOT NULL DEFAULT 2,
              note TEXT, shelf TEXT, code TEXT
            );
            INSERT INTO members (id, name, email) VALUES
              (1, 'Ines Duarte', 'ines@example.org'), (2, 'Tom Becker', 'tom@example.org'), (3, 'Yuki Mori', 'yuki@example.org');
            -- Books 4 and 8 were written off: their ids are gaps between existing ones.
            INSERT INTO books (id, title, author, year, shelf) VALUES
              (1, 'Dune', 'Frank Herbert', 1965, 'A'), (2, 'Emma', 'Jane Austen', 1815, 'B'),
              (3, 'Beloved', 'Toni Morrison', 1987, 'A'), (5, 'Ulysses', 'James Joyce', 1922, 'C'),
              (6, 'Solaris', 'Stanislaw Lem', 1961, 'B'), (7, 'Kindred', 'Octavia Butler', 1979, 'C'),
              (9, 'Middlemarch', 'George Eliot', 1871, 'A'), (10, 'Neuromancer', 'William Gibson', 1984, 'B');
            -- Member 3 has borrowed nothing.
            INSERT INTO loans (id, book_id, member_id, day, weeks) VALUES
              (1, 1, 1, '2024-03-01', 2), (2, 2, 2, '2024-03-01', 3), (3, 5, 1, '2024-03-04', 1), (4, 6, 2, '2024-03-04', 2);
        server:
          inspection: false
          resources:
            - path: /books
              table: books
            - path: /loans
              table: loans
            - path: /members
              table: members
        steps:
          - id: loans-of-a-day
            title: Loans of one day
            text: Nobody borrowed anything on 2024-03-05.
            task: Ask for the loans of 2024-03-05.
            check:
              kind: http-response
            hints: [Filter by day.]
            solution: GET /loans?day=2024-03-05
            wrong:
              - answer: GET /loans?day=2024-03-06
                expect: day=2024-03-06 is not the value this step asks for
              - answer: GET /loans?day=2024-03-05&member_id=3
                expect: member_id should not be there

          - id: lend-a-book
            title: Lend a book
            text: A loan is a POST.
            task: Lend book 7 to member 3 on 2024-03-05.
            check:
              kind: http-state
              tables: [loans]
            hints: [POST /loans with a body.]
            solution: 'POST /loans {"book_id": 7, "member_id": 3, "day": "2024-03-05"}'
            wrong:
              - answer: |
                  POST /loans {"book_id": 7, "member_id": 3, "day": "2024-03-05"}
                  ###
                  DELETE /books/9
                expect: rows of books
              - answer: |
                  PATCH /members/2 {"name": "Tom B."}
                  ###
                  POST /loans {"book_id": 7, "member_id": 3, "day": "2024-03-05"}
                expect: rows of members

          - id: post-a-loan
            title: The server received it
            text: Send the loan with curl or from the prompt.
            task: Send POST /loans for book 10, member 1, day 2024-03-06.
            check:
              kind: http-request
            hints: [Content-Type matters.]
            solution: 'POST /loans {"book_id": 10, "member_id": 1, "day": "2024-03-06"}'
            wrong:
              - answer: |
                  POST /loans
                  Content-Type: application/x-www-form-urlencoded
                  {"book_id": 10, "member_id": 1, "day": "2024-03-06"}
                expect: answered it 415
              - answer: 'POST /loans {"book_id": 10, "member_id": 1, "day": "2024-03-07"}'
                expect: the body is

          - id: one-book
            title: One book
            text: An item route.
            task: Write GET /books/:id.
            check:
              kind: route
              route: GET /books/:id
              target: /books/3
            hints: [WHERE id = :id]
            solution: route GET /books/:id = SELECT id, title, author FROM books WHERE id = :id
            wrong:
              - answer: route GET /books/:id = SELECT id, title, author FROM books WHERE id >= :id
                expect: 'the probe "a missing id (4) between existing ones"'
              - answer: route GET /books/:id = SELECT id, title, author FROM books WHERE id = 3
                expect: 'the probe "an id that does not exist"'
              - answer: route GET /books/:id = SELECT id, title, author FROM books WHERE id = :id AND shelf = 'A'
                expect: 'the probe "a second existing id (2)"'

          - id: lend-with-rules
            title: Lending with rules
            text: Rules for every input.
            task: Write POST /loans with its rules.
            check:
              kind: route
              route: POST /loans
              example: '{"book_id": 2, "member_id": 1, "day": "2024-03-05", "weeks": 2, "note": "gift", "shelf": "B", "code": "AB-123"}'
            hints: [One rule per input.]
            solution: |
              route POST /loans
                required book_id integer 1..
                required member_id integer 1..
                required day date
                required weeks integer 1..4
                optional note text length 3..40
                optional shelf text one-of A|B|C
                optional code text pattern [A-Z]{2}-[0-9]{3}
                sql INSERT INTO loans (book_id, member_id, day, weeks, note, shelf, code) VALUES (:book_id, :member_id, :day, :weeks, :note, :shelf, :code) RETURNING id, book_id, day, weeks, date(day, '+' || (weeks * 7) || ' days') AS due
              end
            wrong:
              - answer: |
                  route POST /loans
                    required book_id integer 1..
                    required member_id integer 1..
                    required day date
                    required weeks integer 1..3
                    optional note text length 3..40
                    optional shelf text one-of A|B|C
                    optional code text pattern [A-Z]{2}-[0-9]{3}
                    sql INSERT INTO loans (book_id, member_id, day, weeks, note, shelf, code) VALUES (:book_id, :member_id, :day, :weeks, :note, :shelf, :code) RETURNING id, book_id, day, weeks, date(day, '+' || (weeks * 7) || ' days') AS due
                  end
                expect: 'the probe "weeks exactly 4 (the maximum)"'
        """#

    /// Writes the lesson into a fresh folder, loads it with the HTTP check kinds, and removes the folder.
    static func load(_ text: String = yaml) throws -> Lesson {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("fixtures"), withIntermediateDirectories: true)
        let file = folder.file("library.yaml")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return try LessonLoader(registry: HTTPChecks.registry).load(file: file, fixtures: folder.file("fixtures"))
    }

    /// The lesson with one extra route step whose solution is `solution` and whose check is `check`.
    /// It starts from the data the earlier steps' solutions leave (lend-a-book lent book 7 to
    /// member 3), then `setup`.
    static func withRouteStep(check: String, solution: String, setup: String? = nil) throws -> Lesson {
        let step = """

              - id: extra
                title: Extra\(setup.map { "\n    setup: \"\($0)\"" } ?? "")
                text: A route step of the test.
                task: Write the route.
                check:
            \(check.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
                hints: [A hint.]
                solution: |
            \(solution.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
                wrong:
                  - answer: route GET /nothing = SELECT 1
                    expect: no route
            """
        return try load(yaml + step)
    }
}

extension Lesson {
    /// Grades `answer` on the step with this id, on a thread of its own: the HTTP checks send
    /// their requests through `Blocking.run`, which must not hold a thread of the cooperative pool.
    func grade(_ answer: String, step id: String, live: [LoggedRequest]? = nil) async throws -> Verdict {
        let lesson = self
        return try await onOwnThread {
            let grader = Grader(lesson: lesson)
            if let live { grader.services[HTTPChecks.liveLogService] = live }
            return grader.grade(Answer(answer), step: lesson.steps.firstIndex { $0.id == id }!)
        }
    }
}
