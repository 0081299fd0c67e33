import Foundation
import GPLRTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands go to
/// the browser's descriptor 3, answers and events come from its descriptor 4, each a JSON object ended by a NUL
/// byte), so a test can click in a page rather than only read what it rendered.
final class DevToolsBrowser: @unchecked Sendable {
    // @unchecked: `nextID` and `buffer` are only used by one caller at a time (the test awaits each call).
    private let process: ProcessHandle
    private let commands: FileHandle
    private let answers: FileHandle
    private var nextID = 0
    private var buffer = Data()
    /// The page's session (after ``open(_:)``).
    private var session: String?

    init(chromium: String, directory: TemporaryDirectory) throws {
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else {
            throw DashboardTestError("pipe failed: errno \(errno)")
        }
        // Close-on-exec everywhere: the browser gets its two ends as 3 and 4 by dup2 (which clears the flag).
        for descriptor in toBrowser + fromBrowser { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        process = try ProcessHandle(
            executable: chromium,
            arguments: [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--remote-debugging-pipe",
                "--user-data-dir=\(directory.file("chromium-devtools-profile"))", "about:blank",
            ],
            stdoutPath: directory.file("devtools.stdout"), stderrPath: directory.file("devtools.stderr"),
            descriptors: [3: toBrowser[0], 4: fromBrowser[1]])
        close(toBrowser[0])
        close(fromBrowser[1])
        commands = FileHandle(fileDescriptor: toBrowser[1], closeOnDealloc: true)
        answers = FileHandle(fileDescriptor: fromBrowser[0], closeOnDealloc: true)
    }

    deinit { process.stop() }

    /// Opens `url` in a new page and attaches to it.
    func open(_ url: String) async throws {
        let target = try await send("Target.createTarget", ["url": url], session: nil)
        guard let targetID = target["targetId"] as? String else { throw DashboardTestError("no targetId: \(target)") }
        let attached = try await send(
            "Target.attachToTarget", ["targetId": targetID, "flatten": true], session: nil)
        session = attached["sessionId"] as? String
    }

    /// Evaluates a JavaScript expression in the page; its value (JSON-compatible).
    func evaluate(_ expression: String) async throws -> Any? {
        let reply = try await send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
            session: session)
        if let exception = reply["exceptionDetails"] { throw DashboardTestError("page threw: \(exception)") }
        return (reply["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is `true` or `timeout` passes; whether it became true.
    func waitUntil(_ expression: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        try await eventually(timeout: timeout, every: .milliseconds(200)) {
            try await evaluate(expression) as? Bool == true
        }
    }

    /// Sends one command and returns its `result` (events in between are skipped).
    private func send(_ method: String, _ params: [String: Any], session: String?) async throws -> [String: Any] {
        nextID += 1
        let id = nextID
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var bytes = try JSONSerialization.data(withJSONObject: message)
        bytes.append(0)
        try commands.write(contentsOf: bytes)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.readAnswer(to: id) })
            }
        }
    }

    /// Blocks until the answer with `id` arrives (a 60 s read timeout guards against a dead browser).
    private func readAnswer(to id: Int) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            while let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[buffer.index(after: end)...])
                guard let object = try JSONSerialization.jsonObject(with: message) as? [String: Any],
                    object["id"] as? Int == id
                else { continue }
                if let error = object["error"] { throw DashboardTestError("\(id): \(error)") }
                return object["result"] as? [String: Any] ?? [:]
            }
            var poll = pollfd(fd: answers.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard Glibc.poll(&poll, 1, 1000) >= 0 else { throw DashboardTestError("poll failed: errno \(errno)") }
            if poll.revents == 0 { continue }
            let chunk = answers.availableData
            if chunk.isEmpty { throw DashboardTestError("chromium closed the DevTools pipe") }
            buffer.append(chunk)
        }
        throw DashboardTestError("no DevTools answer to \(id) within 60 s")
    }
}

extension DevToolsBrowser {
    /// The `data-*` attributes (without `data-`) of every element `selector` finds, in document order.
    func dataRows(_ selector: String) async throws -> [[String: String]] {
        let json = try await evaluate(
            "JSON.stringify([...document.querySelectorAll(\(String(reflecting: selector)))].map((r) => Object.fromEntries("
                + "[...r.attributes].filter((a) => a.name.startsWith('data-')).map((a) => [a.name.slice(5), a.value]))))"
        )
        guard let json = json as? String else { throw DashboardTestError("no rows for \(selector)") }
        return try JSONDecoder().decode([[String: String]].self, from: Data(json.utf8))
    }
}
