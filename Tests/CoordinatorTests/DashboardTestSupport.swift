import Foundation
import GPLRHTTP
import GPLRTestSupport

@testable import Coordinator

#if canImport(Glibc)
    import Glibc
#endif

/// The built `gplr serve` on a free port, and an HTTP client (the project's libcurl client) for its API.
final class DashboardProcess: Sendable {
    let process: ProcessHandle
    /// `http://127.0.0.1:PORT/`, as the command announced it.
    let url: String
    let http: HTTPClient

    /// Starts `gplr serve --redis URL --port 0` and waits for its `dashboard: URL` line.
    init(redis: String, directory: TemporaryDirectory, label: String = "serve", extra: [String] = []) async throws {
        process = try ProcessHandle(
            product: "gplr", ["serve", "--redis", redis, "--port", "0"] + extra, directory: directory, label: label)
        let process = process
        let announced = try await poll(timeout: .seconds(60)) { () -> String? in
            if let url = Self.announcedURL(process.standardError) { return url }
            if !process.isRunning { throw DashboardTestError("gplr serve ended: \(process.standardError)") }
            return nil
        }
        guard let announced else {
            process.stop()
            throw DashboardTestError("gplr serve announced no URL within 60 s: \(process.standardError)")
        }
        url = announced
        http = try HTTPClient()
    }

    deinit { process.stop() }

    /// The URL of a `dashboard: http://host:port/` line.
    static func announcedURL(_ stderr: String) -> String? {
        guard let range = stderr.range(of: "dashboard: http://") else { return nil }
        let rest = stderr[range.lowerBound...].dropFirst("dashboard: ".count)
        let line = rest.prefix { !$0.isWhitespace }
        return line.hasSuffix("/") ? String(line) : nil
    }

    /// A request to `path` (relative to the root): status and body.
    func request(
        _ path: String, method: HTTPClientRequest.Method = .get, body: String = "",
        headers: [HTTPHeader] = []
    ) async throws -> (status: Int, body: Data) {
        let response = try await http.execute(
            HTTPClientRequest(
                method: method, url: url + path, headers: headers, body: Array(body.utf8), timeout: .seconds(60)))
        return (response.status, Data(response.body))
    }

    /// `GET path`, which must answer 200 with JSON of type `T`.
    func get<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let (status, body) = try await request(path)
        guard status == 200 else {
            throw DashboardTestError("GET \(path): \(status) \(String(decoding: body, as: UTF8.self))")
        }
        return try JSONDecoder().decode(T.self, from: body)
    }

    /// `POST /api/runs/{run}/retry` with `body` and `headers`.
    func retry(_ run: String, body: String, headers: [HTTPHeader]) async throws -> (status: Int, body: Data) {
        try await request("api/runs/\(run)/retry", method: .post, body: body, headers: headers)
    }

    static let json = HTTPHeader(name: "Content-Type", value: "application/json")
}

struct DashboardTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `gplr status --json` of a Redis.
func statusJSON(redis: String) async throws -> RunStatusReport {
    let output = try await runOffThePool(["status", "--json", "--redis", redis])
    guard output.status == 0 else { throw DashboardTestError("gplr status failed: \(output.stderr)") }
    return try JSONDecoder().decode(RunStatusReport.self, from: Data(output.stdout.utf8))
}

/// Debian's headless Chromium, run as a test would run a user's browser.
enum HeadlessChromium {
    /// The browser: `$GPLR_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH.
    static func find() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["GPLR_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin"]
        for directory in directories {
            for name in ["chromium", "chromium-browser"]
            where FileManager.default.isExecutableFile(
                atPath: "\(directory)/\(name)")
            {
                return "\(directory)/\(name)"
            }
        }
        return nil
    }

    /// Why a missing browser fails the test (unless GPLR_SKIP_BROWSER_TESTS=1 skips it).
    static let missing =
        "chromium not found (install Debian's `chromium` package: Ops/setup.sh does; "
        + "or point GPLR_CHROMIUM at it); GPLR_SKIP_BROWSER_TESTS=1 skips the browser tests"

    static var skipped: Bool { ProcessInfo.processInfo.environment["GPLR_SKIP_BROWSER_TESTS"] == "1" }

    /// Runs `chromium --headless ... arguments url` with a profile of its own in `directory`; its standard
    /// output. Fails when it does not end within `timeout` (it is killed) or exits non-zero.
    static func run(
        _ chromium: String, _ arguments: [String], url: String, directory: TemporaryDirectory,
        label: String, timeout: Duration = .seconds(240)
    ) async throws -> String {
        let profile = directory.file("chromium-profile-\(label)")
        let process = try ProcessHandle(
            executable: chromium,
            arguments: [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--user-data-dir=\(profile)",
            ]
                + arguments + [url],
            stdoutPath: directory.file("\(label).stdout"), stderrPath: directory.file("\(label).stderr"))
        defer { process.stop() }
        let ended = await process.wait(timeout: timeout)
        let stdout = (try? String(contentsOfFile: process.stdoutPath, encoding: .utf8)) ?? ""
        guard ended == .exited(0) else {
            throw DashboardTestError(
                "chromium \(ended.map { "\($0)" } ?? "did not end within \(timeout)"): "
                    + process.standardError.suffix(2000))
        }
        return stdout
    }
}

/// The start tags of an HTML document with their attributes (Chromium's `--dump-dom` serialisation: attribute
/// values in double quotes, `&` and `"` escaped) — enough to read what the page drew.
struct DumpedDOM {
    struct Element {
        var tag: String
        var attributes: [String: String]
        subscript(_ name: String) -> String? { attributes[name] }
    }

    let html: String
    let elements: [Element]

    init(_ html: String) throws {
        self.html = html
        let tag = try Regex(#"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/"']+(?:="[^"]*")?)*)\s*/?>"#)
        let attribute = try Regex(#"([^\s=>/"']+)(?:="([^"]*)")?"#)
        elements = html.matches(of: tag).map { match in
            let name = String(match.output[1].substring ?? "").lowercased()
            var attributes: [String: String] = [:]
            let text = String(match.output[2].substring ?? "")
            for pair in text.matches(of: attribute) {
                let key = String(pair.output[1].substring ?? "")
                attributes[key] = Self.unescape(String(pair.output[2].substring ?? ""))
            }
            return Element(tag: name, attributes: attributes)
        }
    }

    /// Elements whose attributes include all of `match`.
    func all(_ match: [String: String]) -> [Element] {
        elements.filter { element in match.allSatisfy { element[$0.key] == $0.value } }
    }

    func first(_ match: [String: String]) -> Element? { all(match).first }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&nbsp;", with: "\u{A0}")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
