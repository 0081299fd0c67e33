import Foundation
import GPLRTestSupport
import Testing

/// `Ops/setup.sh` on a machine without chromium: the PATH hides the chromium binary and dpkg reports the
/// package as not installed (a wrapper around the real `dpkg-query`), while `apt-get` is a stand-in that records
/// what it was asked to install and refuses. Every other package is checked against this machine's real dpkg.
@Suite(.timeLimit(.minutes(5))) struct OpsSetupTests {
    /// The repository root (this file is Tests/CoordinatorTests/OpsSetupTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func setupWithoutTestsSucceedsWithoutChromium() async throws {
        let machine = try MachineWithoutChromium()
        defer { machine.remove() }
        let result = try await machine.runSetup([])
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("setup: ok"))
        #expect(machine.aptCalls.isEmpty, "setup tried apt-get: \(machine.aptCalls)")
    }

    @Test func setupWithTestsInstallsChromium() async throws {
        let machine = try MachineWithoutChromium()
        defer { machine.remove() }
        let result = try await machine.runSetup(["--tests"])
        #expect(result.status != 0)
        // The install line names chromium (other packages too, should this machine's dpkg report them missing).
        let installing = result.stdout.split(separator: "\n").first { $0.hasPrefix("setup: installing ") }
        #expect(installing?.split(separator: " ").contains("chromium") == true, "stdout: \(result.stdout)")
        #expect(machine.aptCalls.contains { $0.hasPrefix("install") && $0.contains("chromium") }, "\(machine.aptCalls)")
    }
}

/// A directory of commands that stands in for PATH: the real tools `Ops/setup.sh` uses (linked), no chromium,
/// a `dpkg-query` that does not know chromium, and `apt-get`/`sudo` that only record their arguments.
struct MachineWithoutChromium {
    let directory: TemporaryDirectory
    var bin: String { directory.file("bin") }
    var aptLog: String { directory.file("apt.log") }

    init() throws {
        directory = try TemporaryDirectory(prefix: "gplr-setup")
        try FileManager.default.createDirectory(atPath: directory.file("bin"), withIntermediateDirectories: true)
        for tool in ["swift", "redis-server", "grep", "id", "head", "cut"] {
            let real = try #require(Self.find(tool), "\(tool) is not on PATH")
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: real)
        }
        let dpkgQuery = try #require(Self.find("dpkg-query"), "dpkg-query is not on PATH")
        try script(
            "dpkg-query",
            """
            for argument in "$@"; do [ "$argument" = chromium ] && exit 1; done
            exec \(dpkgQuery) "$@"
            """)
        try script(
            "apt-get",
            """
            echo "$*" >> \(aptLog)
            [ "$1" = update ] && exit 0
            echo "apt-get: this test machine installs nothing" >&2
            exit 100
            """)
        try script("sudo", "exec \"$@\"")
    }

    /// What `apt-get` was called with, one call per element.
    var aptCalls: [String] {
        ((try? String(contentsOfFile: aptLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// `bash Ops/setup.sh arguments…` with this directory as the whole PATH.
    /// Runs `Ops/setup.sh` on a Dispatch thread: it takes tens of seconds, and blocking one of the cooperative pool's
    /// two threads that long starves the tests running beside it.
    func runSetup(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runSetupBlocking(arguments) })
            }
        }
    }

    private func runSetupBlocking(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [OpsSetupTests.root + "/Ops/setup.sh"] + arguments
        process.environment = ["PATH": bin, "HOME": directory.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self),
            String(decoding: stderr, as: UTF8.self)
        )
    }

    func remove() { directory.remove() }

    private func script(_ name: String, _ body: String) throws {
        let path = bin + "/" + name
        try Data("#!/bin/bash\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// The absolute path of `tool` on this process's PATH.
    static func find(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
