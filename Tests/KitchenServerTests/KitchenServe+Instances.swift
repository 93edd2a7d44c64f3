import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import KitchenServer
#if canImport(Glibc)
import Glibc
#endif

/// True when nginx is installed; otherwise says so on stdout, so a skipped scaling test is never silent.
func nginxPresent() -> Bool {
    if NginxBalancer.binary() == nil {
        print("SKIPPED kitchen serve --instances tests: nginx is not installed (\(NginxBalancer.installAdvice))")
        return false
    }
    return true
}

/// `kitchen serve --instances 2`: the real binary starts two instances and a real nginx in front.
/// Skipped (with the reason printed) only when nginx is not installed; CI installs it
/// (scripts/install-deps test).
@Suite("kitchen serve --instances: two instances behind a real nginx", .serialized,
       .enabled(if: Tools.kitchen != nil && nginxPresent(), "needs the kitchen binary and nginx"))
struct KitchenServeInstancesTests {

    static func send(_ method: String, port: Int, _ target: String, token: String? = nil, json: String? = nil) async throws -> (status: Int, instance: String?, body: JSONValue?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(target)")
        request.method = HTTPMethod(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers.first(name: InstanceIdentity.header), try? JSONValue.parse(Array(buffer: body)))
    }

    /// The processes whose parent is `pid` (the instances and nginx), from /proc.
    static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> pid_t? in
            guard let child = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && pid_t(fields[1]) == pid ? child : nil
        }
    }

    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie is dead, only not yet reaped.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    static func waitUntilGone(_ pids: [pid_t], seconds: Double) async -> [pid_t] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !pids.contains(where: isAlive) { return [] }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return pids.filter(isAlive)
    }

    static let loginBody = #"{"email": "ana.souza@example.com", "password": "tomato-basil-42"}"#

    @Test("nginx shares requests between both instances, each line names its instance, database sessions hold across them, and Ctrl-C stops everything",
          .timeLimit(.scaledMinutes(2)))
    func sharesAndStops() async throws {
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "scaling", "--instances", "2", "--sessions", "database"])
        defer { serve.cleanUp() }
        let first = try await serve.line(seconds: 60)
        let port = try #require(loopbackPort(in: first), "the first line is nginx's URL: \(first ?? "nothing")")
        let started = Self.children(of: serve.pid)
        #expect(started.count == 3, "two instances and nginx: \(started)")

        var instances: [String] = []
        for _ in 0..<6 {
            let reply = try await Self.send("GET", port: port, "/menu?limit=1")
            #expect(reply.status == 200)
            instances.append(reply.instance ?? "none")
        }
        #expect(Set(instances) == ["1", "2"], "round robin over both: \(instances)")
        var lines: [String] = []
        for _ in 0..<6 {
            guard let line = try await serve.line(seconds: 10) else { break }
            lines.append(line)
        }
        #expect(lines.count == 6 && lines.allSatisfy { $0.hasPrefix("[1] GET /menu?limit=1 200 ") || $0.hasPrefix("[2] GET /menu?limit=1 200 ") }, "\(lines)")

        let login = try await Self.send("POST", port: port, "/login", json: Self.loginBody)
        #expect(login.status == 200)
        let token = try #require(login.body?["token"]?.stringValue)
        var answers: [(Int, String?)] = []
        for _ in 0..<4 { let reply = try await Self.send("GET", port: port, "/me", token: token); answers.append((reply.status, reply.instance)) }
        #expect(answers.allSatisfy { $0.0 == 200 }, "a login is valid on every instance: \(answers)")
        #expect(Set(answers.compactMap(\.1)) == ["1", "2"])

        let status = try await serve.interrupt()
        #expect(status == 0, "exit status \(status.map(String.init) ?? "none: still running")")
        #expect(await Self.waitUntilGone(started, seconds: 5).isEmpty, "no instance or nginx outlives kitchen serve")
        #expect(portIsFree(port))
    }

    @Test("with sessions in memory, the instance that did not see the login answers 401")
    func memorySessionsBreak() async throws {
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "scaling", "--instances", "2"])
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 60)))
        let login = try await Self.send("POST", port: port, "/login", json: Self.loginBody)
        let token = try #require(login.body?["token"]?.stringValue)
        let loggedIn = try #require(login.instance)
        var answers: [(Int, String)] = []
        for _ in 0..<4 { let reply = try await Self.send("GET", port: port, "/me", token: token); answers.append((reply.status, reply.instance ?? "?")) }
        #expect(answers.filter { $0.1 == loggedIn }.allSatisfy { $0.0 == 200 }, "\(answers)")
        #expect(answers.contains { $0.1 != loggedIn && $0.0 == 401 }, "the other instance does not know the login: \(answers)")
        #expect(try await serve.interrupt() == 0)
    }

    @Test("SIGTERM stops it cleanly, and SIGKILL leaves no orphan: the kernel ends nginx and the instances",
          .timeLimit(.scaledMinutes(2)))
    func signals() async throws {
        let terminated = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "scaling", "--instances", "2"])
        defer { terminated.cleanUp() }
        let port = try #require(loopbackPort(in: try await terminated.line(seconds: 60)))
        let started = Self.children(of: terminated.pid)
        kill(terminated.pid, SIGTERM)
        #expect(await Self.waitUntilGone(started + [terminated.pid], seconds: 10).isEmpty)
        #expect(portIsFree(port))

        let killed = try ServeProcess(binary: try #require(Tools.kitchen), arguments: ["--lesson", "scaling", "--instances", "2"])
        defer { killed.cleanUp() }
        let killedPort = try #require(loopbackPort(in: try await killed.line(seconds: 60)))
        let orphans = Self.children(of: killed.pid)
        #expect(orphans.count == 3)
        kill(killed.pid, SIGKILL)
        #expect(await Self.waitUntilGone(orphans, seconds: 10).isEmpty, "parent-death signal ends nginx and the instances")
        #expect(portIsFree(killedPort))
        // A killed Kitchen cannot remove its temporary folder: it names its owner, so the next
        // start removes it (InstanceGroupAbandonedFolderTests); this test removes it now.
        let temporary = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var left: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? [] where name.hasPrefix("kitchen-instances-") {
            let folder = temporary + "/" + name
            if let configuration = try? String(contentsOfFile: folder + "/nginx.conf", encoding: .utf8), configuration.contains("listen 127.0.0.1:\(killedPort);") {
                left.append((try? String(contentsOfFile: folder + "/owner.pid", encoding: .utf8)) ?? "")
                try? FileManager.default.removeItem(atPath: folder)
            }
        }
        #expect(left == ["\(killed.pid)\n"], "the killed Kitchen's folder names it as its owner")
    }

    @Test("a silly number of instances is refused with the allowed range, before anything starts")
    func refusals() async throws {
        let kitchen = try #require(Tools.kitchen)
        let tooMany = try runProgram(kitchen, ["serve", "--lessons", Tools.lessons, "--instances", "50"])
        #expect(tooMany.status == 64 && tooMany.stderr.contains("--instances must be between 2 and 8"), "\(tooMany.stderr)")
    }
}

/// The tutor at the prompt (batch mode): `.server scale 2`, `.load` through nginx, `.requests`
/// naming the instances, the http-spread step graded live; and `kitchen load` from a shell.
@Suite("the prompt's .server scale, .load and .requests; kitchen load", .serialized,
       .enabled(if: Tools.kitchen != nil && nginxPresent(), "needs the kitchen binary and nginx"))
struct KitchenPromptScaleTests {
    @Test(".server scale 2 puts nginx in front, .load goes through it, .requests shows both instances, and the step passes live",
          .timeLimit(.scaledMinutes(2)))
    func scaleAtThePrompt() throws {
        let home = try TemporaryFolder()
        defer { home.remove() }
        let output = try KitchenPromptHTTPTests.kitchen([], input: """
            .lesson scaling instances
            GET /menu?limit=1
            .check
            .server scale 2
            .load -n 20 -c 4 -t 60 GET /menu
            .requests 25
            .check
            .load -n 5 http://example.com/
            .server scale 1
            """, home: home)
        let text = output.stdout
        #expect(text.contains("nginx on http://127.0.0.1:") && text.contains("shares requests among 2 instances"), "\(text.suffix(3000))")
        #expect(text.contains("Answered: 20 × 200") && text.contains("Latency: p50 ") && text.contains("Errors: none"), "\(text.suffix(3000))")
        // All 20 of the load's requests and the one before are listed: nginx may send the last
        // few all to one instance, so fewer would not show both.
        #expect(text.contains("[instance 1]") && text.contains("[instance 2]"), "\(text.suffix(3000))")
        #expect((text + output.stderr).contains("No answer named an instance"), "the first .check, with one server, fails: \(text.suffix(3000))")
        #expect(text.contains("Correct: 20 × GET /menu answered by instances 1, 2"), "\(text.suffix(3000))")
        // Checked right after the load, once every instance has reported its requests (they
        // write them in batches): all 20 count, not those reported by then.
        #expect(text.contains("Correct: 20 × GET /menu answered by instances 1, 2. Step passed!"), "\(text.suffix(3000))")
        #expect(output.stderr.contains("this machine only"), "\(output.stderr)")
        #expect(text.contains("One server again"))
        #expect(output.status == 1, "the refused .load counts as a failure in batch mode")
    }

    @Test("kitchen load measures a URL on this machine and refuses other hosts and silly counts", .timeLimit(.scaledMinutes(1)))
    func loadFromTheShell() async throws {
        let serve = try ServeProcess(binary: try #require(Tools.kitchen), arguments: [])
        defer { serve.cleanUp() }
        let port = try #require(loopbackPort(in: try await serve.line(seconds: 30)))
        let kitchen = try #require(Tools.kitchen)
        let good = try runProgram(kitchen, ["load", "http://127.0.0.1:\(port)/menu?limit=2", "-n", "40", "-c", "4", "-t", "60"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("GET /menu?limit=2 — 40 requests over 4 connections"), "\(good.stdout)")
        #expect(good.stdout.contains("Answered: 40 × 200") && good.stdout.contains("p99") && good.stdout.contains("█"), "\(good.stdout)")
        let failing = try runProgram(kitchen, ["load", "http://localhost:\(port)/status/500", "-n", "6"])
        #expect(failing.status == 1 && failing.stdout.contains("Errors: 6 × 500"), "\(failing.stdout)")
        let posted = try runProgram(kitchen, ["load", "http://127.0.0.1:\(port)/echo", "-X", "POST", "-d", #"{"a": 1}"#, "-n", "3", "-t", "60"])
        #expect(posted.status == 0 && posted.stdout.contains("Answered: 3 × 200"), "\(posted.stdout) \(posted.stderr)")
        let foreign = try runProgram(kitchen, ["load", "http://example.com:80/"])
        #expect(foreign.status == 64 && foreign.stderr.contains("this machine only"), "\(foreign.stderr)")
        let silly = try runProgram(kitchen, ["load", "http://127.0.0.1:\(port)/", "-n", "999999999"])
        #expect(silly.status == 64 && silly.stderr.contains("between 1 and 100000"), "\(silly.stderr)")
        #expect(try await serve.interrupt() == 0)
    }
}
