#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The REST Client's system variables (`{{$guid}}`, `{{$randomInt 1 100}}`, `{{$timestamp -1 d}}`,
/// `{{$datetime iso8601}}`, `{{$localDatetime rfc1123}}`, `{{$processEnv NAME}}`,
/// `{{$dotenv NAME}}`) and the JetBrains ones that mean the same (`{{$uuid}}`, `{{$random.uuid}}`,
/// `{{$timestamp}}`, `{{$isoTimestamp}}`, `{{$randomInt}}`, `{{$random.integer(1, 10)}}`).
/// Formats follow the REST Client: rfc1123 as JavaScript's `toUTCString()`, iso8601 as
/// `toISOString()` (UTC, milliseconds), local times with their offset.
struct HTTPFileSystemVariables {
    /// Environment variables of the process (for `$processEnv`); a parameter so tests choose them.
    var processEnvironment: @Sendable (String) -> String?
    /// `KEY=VALUE` lines of the `.env` file beside the `.http` file, if there is one.
    var dotenv: [String: String]?
    /// The selected environment's variables, for `$processEnv %NAME` and `$dotenv %NAME`.
    var environment: [String: String]
    /// Seconds since 1970, with milliseconds.
    var now: @Sendable () -> Double = { HTTPFileSystemVariables.currentTime() }

    struct Failure: Error { var message: String }

    /// The value of `{{$…}}`; `name` is what stands between the braces, `$` included.
    func value(of name: String) throws(Failure) -> String {
        let words = name.split(whereSeparator: \.isWhitespace).map(String.init)
        let arguments = Array(words.dropFirst())
        switch words.first ?? "" {
        case "$guid", "$uuid", "$random.uuid":
            return Self.uuid()
        case "$randomInt":
            if arguments.isEmpty { return String(Int.random(in: 0..<1000)) }  // JetBrains: 0 to 1000
            guard arguments.count == 2, let low = Int(arguments[0]), let high = Int(arguments[1]), low < high else {
                throw Failure(message: "write {{$randomInt MIN MAX}} with whole numbers MIN < MAX (MAX itself never comes out)")
            }
            return String(Int.random(in: low..<high))
        case "$timestamp":
            let time = try offsetTime(arguments, of: name)
            return String(Int64((time).rounded(.down)))
        case "$isoTimestamp":
            return Self.iso8601(now())
        case "$datetime", "$localDatetime":
            guard let format = arguments.first else {
                throw Failure(message: "write {{\(words[0]) rfc1123}} or {{\(words[0]) iso8601}}, optionally with an offset such as -1 d")
            }
            let time = try offsetTime(Array(arguments.dropFirst()), of: name)
            let local = words[0] == "$localDatetime"
            switch format {
            case "rfc1123": return local ? Self.localRFC1123(time) : Self.rfc1123(time)
            case "iso8601": return local ? Self.localISO8601(time) : Self.iso8601(time)
            default:
                throw Failure(message: "Kitchen formats dates as rfc1123 or iso8601; a custom format like \(format) is not supported")
            }
        case "$processEnv":
            guard arguments.count == 1 else { throw Failure(message: "write {{$processEnv NAME}} or {{$processEnv %NAME}}") }
            let variable = try indirect(arguments[0])
            guard let value = processEnvironment(variable), !value.isEmpty else {
                throw Failure(message: "the environment variable \(variable) is not set (or empty); set it before running, e.g. \(variable)=… kitchen http FILE")
            }
            return value
        case "$dotenv":
            guard arguments.count == 1 else { throw Failure(message: "write {{$dotenv NAME}} or {{$dotenv %NAME}}") }
            guard let dotenv else { throw Failure(message: "{{$dotenv}} reads a .env file beside the .http file, and there is none") }
            let variable = try indirect(arguments[0])
            guard let value = dotenv[variable], !value.isEmpty else { throw Failure(message: "the .env file beside the .http file has no value for \(variable)") }
            return value
        case "$shared":
            throw Failure(message: "{{$shared NAME}} is only for values in an environment file")
        case "$aadToken", "$aadV2Token", "$oidcAccessToken":
            throw Failure(message: "{{\(words[0])}} signs in to an identity provider; Kitchen does not: write the token, or use --var")
        default:
            if words[0].hasPrefix("$random.integer(") || words[0].hasPrefix("$random.integer") {
                return try jetBrainsInteger(name)
            }
            throw Failure(message: "unknown system variable \(words[0]): Kitchen knows $guid, $uuid, $randomInt, $timestamp, $isoTimestamp, $datetime, $localDatetime, $processEnv, $dotenv")
        }
    }

    /// `%NAME` means: the name is the value of the environment's variable NAME.
    private func indirect(_ argument: String) throws(Failure) -> String {
        guard argument.hasPrefix("%") else { return argument }
        let key = String(argument.dropFirst())
        guard let name = environment[key], !name.isEmpty else {
            throw Failure(message: "%\(key) names an environment variable whose value is the name to read, but the environment has no \(key)")
        }
        return name
    }

    private func jetBrainsInteger(_ name: String) throws(Failure) -> String {
        let inside = name.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
        let bounds = inside.split(separator: ",").compactMap { Int($0.blankTrimmed) }
        guard bounds.count == 2, bounds[0] < bounds[1] else { throw Failure(message: "write {{$random.integer(MIN, MAX)}} with MIN < MAX") }
        return String(Int.random(in: bounds[0]..<bounds[1]))
    }

    /// Now, moved by `OFFSET UNIT` (y, Q, M, w, d, h, m, s, ms) as moment/dayjs move it.
    private func offsetTime(_ arguments: [String], of name: String) throws(Failure) -> Double {
        let time = now()
        if arguments.isEmpty { return time }
        guard arguments.count == 2, let amount = Int(arguments[0]) else {
            throw Failure(message: "an offset is a whole number and a unit (y, Q, M, w, d, h, m, s, ms), e.g. {{$timestamp -1 d}}; got {{\(name)}}")
        }
        let seconds: Double
        switch arguments[1] {
        case "ms": seconds = Double(amount) / 1000
        case "s": seconds = Double(amount)
        case "m": seconds = Double(amount) * 60
        case "h": seconds = Double(amount) * 3600
        case "d": seconds = Double(amount) * 86_400
        case "w": seconds = Double(amount) * 604_800
        case "M": return Self.addingMonths(amount, to: time)
        case "Q": return Self.addingMonths(amount * 3, to: time)
        case "y": return Self.addingMonths(amount * 12, to: time)
        default:
            throw Failure(message: "unknown offset unit \(arguments[1]): use y, Q, M, w, d, h, m, s or ms")
        }
        return time + seconds
    }

    static func currentTime() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec / 1_000_000) / 1000
    }

    /// Calendar months in UTC; the day is clamped to the month's length (Jan 31 + 1 M = Feb 28).
    static func addingMonths(_ months: Int, to time: Double) -> Double {
        var parts = utc(time)
        let total = Int(parts.tm_year) * 12 + Int(parts.tm_mon) + months
        parts.tm_year = Int32(total.floorDivided(by: 12))
        parts.tm_mon = Int32(total - total.floorDivided(by: 12) * 12)
        parts.tm_mday = min(parts.tm_mday, Int32(daysIn(month: Int(parts.tm_mon), year: Int(parts.tm_year) + 1900)))
        let fraction = time - time.rounded(.down)
        return Double(timegm(&parts)) + fraction
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 3, 5, 8, 10: return 30
        default: return 31
        }
    }

    static func utc(_ time: Double) -> tm {
        var seconds = time_t(time.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }

    static func local(_ time: Double) -> tm {
        var seconds = time_t(time.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return parts
    }

    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `Wed, 02 Dec 2026 00:45:12 GMT`
    static func rfc1123(_ time: Double) -> String {
        let p = utc(time)
        return "\(days[Int(p.tm_wday)]), \(two(p.tm_mday)) \(months[Int(p.tm_mon)]) \(p.tm_year + 1900) \(two(p.tm_hour)):\(two(p.tm_min)):\(two(p.tm_sec)) GMT"
    }

    /// `2026-12-02T00:45:12.345Z`
    static func iso8601(_ time: Double) -> String {
        let p = utc(time)
        let milliseconds = Int(((time - time.rounded(.down)) * 1000).rounded(.down))
        let ms = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(p.tm_year + 1900)-\(two(p.tm_mon + 1))-\(two(p.tm_mday))T\(two(p.tm_hour)):\(two(p.tm_min)):\(two(p.tm_sec)).\(ms)Z"
    }

    /// `Wed, 02 Dec 2026 01:45:12 +0100`
    static func localRFC1123(_ time: Double) -> String {
        let p = local(time)
        return "\(days[Int(p.tm_wday)]), \(two(p.tm_mday)) \(months[Int(p.tm_mon)]) \(p.tm_year + 1900) \(two(p.tm_hour)):\(two(p.tm_min)):\(two(p.tm_sec)) \(offset(p, colon: false))"
    }

    /// `2026-12-02T01:45:12+01:00`
    static func localISO8601(_ time: Double) -> String {
        let p = local(time)
        return "\(p.tm_year + 1900)-\(two(p.tm_mon + 1))-\(two(p.tm_mday))T\(two(p.tm_hour)):\(two(p.tm_min)):\(two(p.tm_sec))\(offset(p, colon: true))"
    }

    static func offset(_ parts: tm, colon: Bool) -> String {
        let minutes = Int(parts.tm_gmtoff) / 60
        let sign = minutes < 0 ? "-" : "+"
        let hours = Int32(abs(minutes) / 60), rest = Int32(abs(minutes) % 60)
        return sign + two(hours) + (colon ? ":" : "") + two(rest)
    }

    /// A version 4 UUID, lower case, from the system's random generator.
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-" + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
