import CSQLite

/// `printf()` and `format()` with a cap on width and precision, so every statement stays
/// interruptible.
///
/// SQLite 3.40's `printf('%.*c', 1500000000, 'x')` spends ~13 s inside one call of the built-in
/// function, where neither the progress handler (it runs between virtual-machine instructions)
/// nor `sqlite3_interrupt` can stop it. So each connection gets its own `printf` and `format`,
/// which add up the widths and precisions a call asks for (`*` ones from their arguments) and
/// refuse the call when they exceed `maximumPadding`; otherwise they hand the call, its values
/// untouched, to SQLite's own `printf` on a private in-memory connection.
///
/// See <https://www.sqlite.org/printf.html>.
final class PrintfGuard {
    /// The most characters of padding (width plus precision, over all conversions) one call may ask for.
    static let maximumPadding = 100_000

    /// A private connection whose `printf` is SQLite's own.
    private let helper: OpaquePointer
    /// `SELECT printf(?1, …, ?n)` by argument count.
    private var statements: [Int: OpaquePointer] = [:]

    private init?() {
        var pointer: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &pointer, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let pointer else {
            if let pointer { sqlite3_close_v2(pointer) }
            return nil
        }
        helper = pointer
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(helper)
    }

    /// Replaces `printf` and `format` on `database` with the checking versions.
    static func install(on database: OpaquePointer) {
        guard let guardObject = PrintfGuard() else { return }
        for name in ["printf", "format"] {
            // One retain per registration: SQLite calls the destructor once for each.
            let box = Unmanaged.passRetained(guardObject).toOpaque()
            // Deterministic and innocuous like the built-in, so CHECK constraints, indexes and views
            // that use printf keep working with trusted_schema off.
            let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
            sqlite3_create_function_v2(database, name, -1, flags, box, { context, count, values in
                let guardObject = Unmanaged<PrintfGuard>.fromOpaque(sqlite3_user_data(context)!).takeUnretainedValue()
                guardObject.call(context: context, count: Int(count), values: values)
            }, nil, nil, { box in
                if let box { Unmanaged<PrintfGuard>.fromOpaque(box).release() }
            })
        }
    }

    private func call(context: OpaquePointer?, count: Int, values: UnsafeMutablePointer<OpaquePointer?>?) {
        guard count > 0, let values else {
            sqlite3_result_null(context)
            return
        }
        let format: [UInt8] = sqlite3_value_type(values[0]) == SQLITE_NULL ? [] : {
            let bytes = Int(sqlite3_value_bytes(values[0]))
            guard let text = sqlite3_value_text(values[0]) else { return [] }
            return Array(UnsafeBufferPointer(start: text, count: bytes))
        }()
        let arguments = (1..<max(1, count)).map { values[$0] }
        let padding = Self.padding(format: format) { index in
            index < arguments.count ? sqlite3_value_int64(arguments[index]) : 0
        }
        if padding > Self.maximumPadding {
            let message = "printf() asks for \(padding) characters of width and precision; the sandbox allows at most \(Self.maximumPadding) in one call, so that every statement can be stopped"
            sqlite3_result_error(context, message, -1)
            return
        }
        guard let statement = statement(arguments: count) else {
            sqlite3_result_error(context, "printf() could not run: \(String(cString: sqlite3_errmsg(helper)))", -1)
            return
        }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for index in 0..<count {
            sqlite3_bind_value(statement, Int32(index + 1), values[index])
        }
        let status = sqlite3_step(statement)
        if status == SQLITE_ROW {
            sqlite3_result_value(context, sqlite3_column_value(statement, 0))
        } else {
            sqlite3_result_error(context, sqlite3_errmsg(helper), -1)
            sqlite3_result_error_code(context, sqlite3_errcode(helper))
        }
    }

    private func statement(arguments count: Int) -> OpaquePointer? {
        if let statement = statements[count] { return statement }
        let sql = "SELECT printf(" + (1...count).map { "?\($0)" }.joined(separator: ",") + ")"
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(helper, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return nil }
        statements[count] = statement
        return statement
    }

    /// The characters of padding `format` asks for: every conversion's width and precision, given
    /// as digits or as `*` (then read from the argument `argument(i)`, counting from 0 after the
    /// format), added up. Digits that overflow count as the maximum.
    static func padding(format: [UInt8], argument: (Int) -> Int64) -> Int {
        var total = 0
        var index = 0
        var nextArgument = 0
        func add(_ value: Int64) {
            let magnitude = value == Int64.min ? Int64.max : abs(value)
            total = min(Int.max / 2, total + Int(min(magnitude, Int64(Int32.max))))
        }
        func digits() -> Int64 {
            var value: Int64 = 0
            while index < format.count, format[index] >= 0x30, format[index] <= 0x39 {
                value = min(Int64(Int32.max), value * 10 + Int64(format[index] - 0x30))
                index += 1
            }
            return value
        }
        while index < format.count {
            guard format[index] == UInt8(ascii: "%") else { index += 1; continue }
            index += 1
            guard index < format.count else { break }
            if format[index] == UInt8(ascii: "%") { index += 1; continue }
            // Flags.
            while index < format.count, "-+ #0!,".utf8.contains(format[index]) { index += 1 }
            // Width.
            if index < format.count, format[index] == UInt8(ascii: "*") {
                add(argument(nextArgument))
                nextArgument += 1
                index += 1
            } else {
                add(digits())
            }
            // Precision.
            if index < format.count, format[index] == UInt8(ascii: ".") {
                index += 1
                if index < format.count, format[index] == UInt8(ascii: "*") {
                    add(argument(nextArgument))
                    nextArgument += 1
                    index += 1
                } else {
                    add(digits())
                }
            }
            // Length modifiers, then the conversion, which takes one argument.
            while index < format.count, format[index] == UInt8(ascii: "l") { index += 1 }
            if index < format.count { index += 1 }
            nextArgument += 1
        }
        return total
    }
}
