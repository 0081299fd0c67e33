import Foundation

/// Runs the package's built executables (`gplr`, `gplr-worker`) the way a user does.
///
/// `swift build --build-tests` puts them next to the test bundle, so they are found from the running test
/// binary's own path.
public enum BuiltProduct {
    /// The absolute path of the built executable `name`.
    public static func path(_ name: String) -> String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the runner is `<build>/gplrPackageTests.xctest`; on macOS it sits inside a bundle.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent(name).path),
            directory.pathComponents.count > 1
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }

    /// What a finished command printed and how it exited.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `name arguments…` to completion, waiting on a Dispatch thread: the tests share Swift's cooperative pool
    /// (two threads on a 2-core machine), and a test blocked in `waitpid` there starves every other test's async
    /// work (an in-process HTTP server, a coordinator's lease renewal) for as long as the command runs.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String]? = nil) async throws
        -> Output
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(name, arguments, environment: environment) })
            }
        }
    }

    /// Runs the executable at `path` (a system tool such as `/usr/bin/env git`) like ``run(_:_:environment:)``.
    public static func runExecutable(_ path: String, _ arguments: [String]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(path: path, arguments, environment: nil) })
            }
        }
    }

    /// ``run(_:_:environment:)`` on the calling thread.
    static func runBlocking(_ name: String, _ arguments: [String], environment: [String: String]?) throws -> Output {
        try runBlocking(path: path(name), arguments, environment: environment)
    }

    static func runBlocking(path: String, _ arguments: [String], environment: [String: String]?) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a chatty command never blocks on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
