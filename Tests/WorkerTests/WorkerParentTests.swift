import Foundation
import GPLRTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `--parent-pid`: a worker whose supervisor is killed outright (SIGKILL: no chance to stop its children) stops
/// gracefully by itself.
@Suite(.timeLimit(.minutes(5))) struct WorkerParentTests {
    @Test func aWorkerStopsGracefullyWhenItsParentIsKilled() async throws {
        try await withRedisServer { server in
            let harness = try await WorkerHarness(server: server)
            defer { harness.remove() }
            // A shell as the supervisor: it starts the worker with its own pid as --parent-pid and waits.
            let supervisor = try ProcessHandle(
                executable: "/bin/sh",
                arguments: [
                    "-c", "\"$0\" \"$@\" --parent-pid $$ & wait", BuiltProduct.path("gplr-worker"),
                    "--redis", server.url, "--id", "child", "--cache-dir", harness.directory.file("cache"),
                ],
                stdoutPath: harness.directory.file("sh.stdout"), stderrPath: harness.directory.file("sh.stderr"))
            defer { supervisor.stop() }
            let heartbeat = try await poll(timeout: .seconds(30)) { try await harness.heartbeat("child") }
            let worker = try #require(heartbeat, "the worker never beat:\n\(supervisor.standardError)")

            supervisor.send(SIGKILL)
            let removed = try await poll(timeout: .seconds(30)) {
                try await harness.heartbeat("child") == nil ? true : nil
            }
            #expect(removed == true, "the worker kept running:\n\(supervisor.standardError)")
            // Its process ends (a zombie until someone reaps it: no command line then).
            let ended = await poll(timeout: .seconds(10)) { () -> Bool? in
                let cmdline = FileManager.default.contents(atPath: "/proc/\(worker.pid)/cmdline") ?? Data()
                return cmdline.isEmpty ? true : nil
            }
            #expect(ended == true)
            // Read once it has ended: it removes its heartbeat before it logs that it stopped.
            #expect(supervisor.standardError.contains("parent process is gone; stopping"))
            #expect(supervisor.standardError.contains("worker stopped"), "\(supervisor.standardError)")
        }
    }

    @Test func aParentPidThatIsNotTheParentIsRefused() async throws {
        let output = try await BuiltProduct.run(
            "gplr-worker", ["--redis", "redis://127.0.0.1:1", "--parent-pid", String(Int32.max - 1)])
        #expect(output.status != 0)
        #expect(output.stderr.contains("is not this worker's parent"), "\(output.stderr)")
    }
}
