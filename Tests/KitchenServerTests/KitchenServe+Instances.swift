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
          .timeLimit(.minutes(2)))
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
          .timeLimit(.minutes(2)))
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
    }

    @Test("a silly number of instances is refused with the allowed range, before anything starts")
    func refusals() async throws {
        let kitchen = try #require(Tools.kitchen)
        let tooMany = try runProgram(kitchen, ["serve", "--lessons", Tools.lessons, "--instances", "50"])
        #expect(tooMany.status == 64 && tooMany.stderr.contains("--instances must be between 2 and 8"), "\(tooMany.stderr)")
    }
}
