import KitchenSQL
import Testing
@testable import KitchenLessons

/// The schema comparison of sql-state and sql-error: spelling does not count, promises do.
@Suite("NormalizedSchema: what a table promises, compared without spelling")
struct NormalizedSchemaComparison {
    func differences(_ expected: String, _ actual: String) throws -> [String]? {
        let reference = try Connection()
        try reference.execute(expected)
        let learner = try Connection()
        try learner.execute(actual)
        return try DatabaseComparison().differences(learner: learner, reference: reference)
    }

    @Test("case, spacing, comments, quoting, constraint names and index names do not count")
    func spellingIgnored() throws {
        let reference = """
            CREATE TABLE p (id INTEGER PRIMARY KEY);
            CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0), p_id INTEGER REFERENCES p(id) ON DELETE CASCADE, UNIQUE (n, p_id));
            CREATE INDEX t_p ON t (p_id) WHERE p_id IS NOT NULL;
            """
        let learner = """
            create table "p" (id integer primary key);
            create table t ( -- a comment
              id integer primary key, n INTEGER not null default (0) constraint positive check(N>=0),
              p_id integer, foreign key (p_id) references p on delete cascade, unique (p_id, n));
            create index whatever on t(p_id) where p_id is not null;
            """
        #expect(try differences(reference, learner) == nil)
    }

    @Test("each broken promise is named", arguments: [
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INT NOT NULL DEFAULT 0 CHECK (n >= 0))", "The column t.n is declared INT; expected INTEGER."),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 0 CHECK (n >= 0))", "The column t.n should be NOT NULL."),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 1 CHECK (n >= 0))", "The column t.n has DEFAULT 1; expected DEFAULT 0."),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0 CHECK (n > 0))", "The table t lacks the CHECK constraint CHECK (n >= 0)."),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0), CHECK ('CHECK (n >= 0)' <> ''))", "The table t has the CHECK constraint CHECK ('CHECK (n >= 0)' <> ''), which it should not have."),
        ("CREATE TABLE t (id INTEGER, n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0))", "The table t has no PRIMARY KEY; expected PRIMARY KEY (id)."),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE DEFAULT 0 CHECK (n >= 0))", "The table t has the UNIQUE constraint UNIQUE (n), which it should not have."),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0)); CREATE TRIGGER t_log AFTER INSERT ON t BEGIN DELETE FROM t WHERE 0; END;", "The table t has a trigger t_log, which this step does not create."),
    ])
    func brokenPromise(learner: String, message: String) throws {
        let reference = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0 CHECK (n >= 0))"
        #expect(try differences(reference, learner) == [message])
    }

    @Test("a foreign key's action counts")
    func foreignKeyAction() throws {
        let parent = "CREATE TABLE p (id INTEGER PRIMARY KEY);"
        let found = try differences(parent + "CREATE TABLE c (p_id INTEGER REFERENCES p(id) ON DELETE CASCADE)", parent + "CREATE TABLE c (p_id INTEGER REFERENCES p(id))")
        #expect(found == ["The table c lacks the FOREIGN KEY (p_id) REFERENCES p(id) ON DELETE CASCADE."])
    }

    @Test("the tokenizer keeps strings and comments apart from the SQL around them")
    func tokenizer() {
        #expect(NormalizedSchema.checkClauses("CREATE TABLE t (x /* CHECK (x > 0) */, y TEXT DEFAULT 'CHECK (y)' -- CHECK (z)\n)").isEmpty)
        #expect(NormalizedSchema.checkClauses("CREATE TABLE t (x CHECK(x>=1 AND x<>'a'))").map(\.canonical) == ["x >= 1 and x <> 'a'"])
        #expect(SQLToken.verb(of: "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x") == "INSERT")
        #expect(SQLToken.alteringLiterals("SELECT * FROM t WHERE a = 5 AND b = 'x''y' LIMIT 2.5", variant: 0) == "SELECT * FROM t WHERE a = 6 AND b = 'x''y~' LIMIT 4.0")
    }
}
