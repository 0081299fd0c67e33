import Foundation
import GPLRHTTP
import GPLRTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `gplr demo`: the built binary starts redis-server, the LLM simulator and real workers, runs GPLR through them
/// and stops everything it started — at the end, and on SIGINT.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DemoTests {
    /// Command lines of the running processes (zombies have none), by pid.
    static func commandLines() -> [pid_t: String] {
        var lines: [pid_t: String] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                !data.isEmpty
            else { continue }
            lines[pid] = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        }
        return lines
    }

    /// Processes the demo in `directory` may have left: workers (their cache dir is inside it) and the
    /// redis-server on `port`.
    static func leftovers(directory: String, redisPort: Int?) -> [String] {
        commandLines().filter { pid, line in
            pid != getpid()
                && (line.contains(directory)
                    || (redisPort.map { line.contains("redis-server") && line.contains("127.0.0.1:\($0)") } ?? false))
        }.map { "\($0.key): \($0.value)" }
    }

    /// The port of the redis-server the demo announced on standard error.
    static func redisPort(_ stderr: String) -> Int? {
        guard let range = stderr.range(of: "redis-server started at redis://127.0.0.1:") else { return nil }
        return Int(stderr[range.upperBound...].prefix { $0.isNumber })
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// A 30,000-user demo in `scratch`, once its workers are up (long enough to interrupt mid-run).
    static func runningDemo(in scratch: TemporaryDirectory) async throws -> (demo: ProcessHandle, directory: String) {
        let directory = scratch.file("demo")
        let demo = try ProcessHandle(
            product: "gplr", ["demo", "--users", "30000", "--personas", "10", "--workers", "2", "--dir", directory],
            directory: scratch, label: "demo")
        // A bound, not a timing: generating and ingesting 30,000 users took 55 s on two cores shared with three
        // other builds and test runs.
        let started = await eventually(timeout: .seconds(180), every: .milliseconds(50)) {
            demo.standardError.contains("workers started") || !demo.isRunning
        }
        #expect(started && demo.isRunning, "\(demo.standardError)")
        return (demo, directory)
    }

    @Test func demoRunsTheDistributedSystemAndStopsEverything() async throws {
        let scratch = try TemporaryDirectory(prefix: "gplr-demo-test")
        defer { scratch.remove() }
        let directory = scratch.file("demo")
        let demo = try ProcessHandle(
            product: "gplr", ["demo", "--users", "1500", "--personas", "6", "--workers", "2", "--dir", directory],
            directory: scratch, label: "demo")
        defer { demo.stop() }
        let ended = await demo.wait(timeout: .seconds(120))
        let stdout = Self.text(demo.stdoutPath), stderr = demo.standardError
        #expect(ended == .exited(0), "\(stderr)")

        #expect(stderr.contains("2 workers started"), "\(stderr)")
        #expect(DashboardProcess.announcedURL(stderr)?.hasPrefix("http://127.0.0.1:") == true, "\(stderr)")
        #expect(stderr.contains("gplr status --watch --redis redis://127.0.0.1:"), "\(stderr)")
        #expect(stdout.contains("GPLR on 1,500 users"), "\(stdout)")
        #expect(stdout.contains("prototypes labeled: 150"), "\(stdout)")
        #expect(stdout.contains("accuracy vs. the planted truth"), "\(stdout)")
        let f1 = stdout.range(of: "F1 ").flatMap { Double(stdout[$0.upperBound...].prefix { !$0.isWhitespace }) }
        #expect((f1 ?? 0) > 0.3, "micro F1 of the inferred users: \(stdout)")
        for file in [
            "results/phi.jsonl", "results/phi.csv", "results/phi-long.csv", "results/psi.npy", "results/report.json",
            "results/prototypes.jsonl", "graph.gplrsnap", "data/truth.jsonl", "logs/worker-1.log",
            "logs/worker-2.log",
        ] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file) missing")
        }
        // The labels came from the simulated LLM through the workers (the demo's key in their environment).
        let report =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: directory + "/results/report.json"))) as? [String: Any]
        let counters = report?["labeler_counters"] as? [String: Int] ?? [:]
        #expect(counters["llm_requests", default: 0] >= 150, "\(counters)")
        #expect(counters["llm_labeled", default: 0] == 150, "\(counters)")
        #expect(report?["labeler"] as? String == "llm" && report?["schema_version"] as? Int == 1)
        let workerLog = Self.text(directory + "/logs/worker-1.log") + Self.text(directory + "/logs/worker-2.log")
        #expect(workerLog.contains("job completed"))
        #expect(!workerLog.contains("demo-key"), "the key never reaches a log")

        let port = Self.redisPort(stderr)
        #expect(port != nil, "\(stderr)")
        #expect(
            Self.leftovers(directory: directory, redisPort: port).isEmpty,
            "\(Self.leftovers(directory: directory, redisPort: port))")
    }

    @Test func interruptStopsEverythingPromptly() async throws {
        let scratch = try TemporaryDirectory(prefix: "gplr-demo-test")
        defer { scratch.remove() }
        let (demo, directory) = try await Self.runningDemo(in: scratch)
        defer { demo.stop() }
        let port = Self.redisPort(demo.standardError)
        #expect(port != nil)
        #expect(!Self.leftovers(directory: directory, redisPort: port).isEmpty, "the workers are running")
        // The dashboard it announced answers while it runs.
        let dashboard = try #require(DashboardProcess.announcedURL(demo.standardError), "\(demo.standardError)")
        let workers = try await HTTPClient().execute(HTTPClientRequest(method: .get, url: dashboard + "api/workers"))
        #expect(workers.status == 200)

        demo.send(SIGINT)
        let ended = await demo.wait(timeout: .seconds(15))
        #expect(ended == .exited(130), "\(demo.standardError)")
        #expect(demo.standardError.contains("SIGINT received"), "\(demo.standardError)")
        #expect(
            demo.standardError.contains("interrupted; stopped 2 workers and redis-server"),
            "\(demo.standardError)")
        #expect(
            Self.leftovers(directory: directory, redisPort: port).isEmpty,
            "\(Self.leftovers(directory: directory, redisPort: port))")
    }

    /// `gplr demo 2>&1 | head`: the reader goes away mid-run. The failed write must not crash the demo past its
    /// clean-up: it stops as on SIGTERM and leaves nothing running.
    @Test func aClosedOutputPipeStopsEverything() async throws {
        let scratch = try TemporaryDirectory(prefix: "gplr-demo-test")
        defer { scratch.remove() }
        let directory = scratch.file("demo")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BuiltProduct.path("gplr"))
        process.arguments = ["demo", "--users", "30000", "--personas", "10", "--workers", "2", "--dir", directory]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Read like `head` until the workers are up, then close the pipe's only reader.
        var seen = ""
        let reader = pipe.fileHandleForReading
        while !seen.contains("workers started") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("workers started"), "\(seen)")
        let port = Self.redisPort(seen)
        #expect(port != nil, "\(seen)")
        try reader.close()
        try pipe.fileHandleForWriting.close()

        let ended = await eventually(timeout: .seconds(60), every: .milliseconds(50)) { !process.isRunning }
        #expect(ended, "the demo kept running after its output was closed")
        #expect(
            process.terminationReason == .exit && process.terminationStatus == 128 + SIGTERM,
            "status \(process.terminationStatus) (\(process.terminationReason == .exit ? "exit" : "signal"))")
        let stopped = await eventually(timeout: .seconds(15), every: .milliseconds(50)) {
            Self.leftovers(directory: directory, redisPort: port).isEmpty
        }
        #expect(stopped, "\(Self.leftovers(directory: directory, redisPort: port))")
    }

    /// SIGKILL gives the demo no chance to stop anything: its workers notice their parent is gone
    /// (`--parent-pid`) and stop by themselves. (Its redis-server cannot: the test stops it.)
    @Test func workersStopWhenTheDemoIsKilled() async throws {
        let scratch = try TemporaryDirectory(prefix: "gplr-demo-test")
        defer { scratch.remove() }
        let (demo, directory) = try await Self.runningDemo(in: scratch)
        defer { demo.stop() }
        let port = Self.redisPort(demo.standardError)
        let redisPID = demo.standardError.range(of: "(pid ").flatMap {
            pid_t(demo.standardError[$0.upperBound...].prefix { $0.isNumber })
        }
        defer { if let redisPID { kill(redisPID, SIGTERM) } }
        let workers = { Self.leftovers(directory: directory, redisPort: nil).filter { $0.contains("gplr-worker") } }
        #expect(workers().count == 2, "\(workers())")

        demo.send(SIGKILL)
        #expect(await demo.wait(timeout: .seconds(10)) == .signaled(SIGKILL))
        let stopped = await eventually(timeout: .seconds(30), every: .milliseconds(50)) { workers().isEmpty }
        #expect(stopped, "workers left running: \(workers())")
        // Each worker noticed: while running, or at its start when it was still starting up at the kill.
        for index in 1...2 {
            let log = Self.text(directory + "/logs/worker-\(index).log")
            #expect(
                log.contains("parent process is gone; stopping") || log.contains("is not this worker's parent"),
                "\(log)")
        }
        #expect(port != nil)
    }
}
