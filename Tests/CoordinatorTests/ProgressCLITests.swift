import Foundation
import GPLRTestSupport
import Testing

/// Progress of the built `gplr` as a user sees it: plain lines into a pipe, a bar redrawn in place on a terminal.
@Suite(.timeLimit(.minutes(5))) struct ProgressCLITests {
    /// The test's environment without anything that would force a progress mode.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GPLR_PROGRESS"] = nil
        return environment.merging(extra) { $1 }
    }

    static let generateArguments = ["--users", "3000", "--items", "500", "--personas", "5"]

    @Test func intoAPipeProgressIsPlainLinesOnStandardError() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.file("data")
        // TERM says terminal, but standard error is a pipe: plain lines.
        let generated = try await BuiltProduct.run(
            "gplr", ["generate", "--out", data] + Self.generateArguments,
            environment: Self.environment(["TERM": "xterm"]))
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stderr.contains("generate: 3,000 users in "), "\(generated.stderr)")
        #expect(generated.stdout.hasPrefix("wrote 3,000 users"), "\(generated.stdout)")
        #expect(!generated.stdout.contains("generate:"))  // results only on standard output

        let ingested = try await BuiltProduct.run(
            "gplr", ["ingest", data, "--out", directory.file("g.gplrsnap")], environment: Self.environment())
        #expect(ingested.status == 0, "\(ingested.stderr)")
        // "ingested 93,456 rows (…" on standard output; the final progress line counts the same rows.
        let rows = ingested.stdout.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
        #expect(
            ingested.stderr.contains("ingest: ") && ingested.stderr.contains(" · \(rows) rows\n"),
            "\(ingested.stderr)")

        for text in [generated.stderr, ingested.stderr] {
            #expect(!text.contains("\r") && !text.contains("\u{1B}"), "\(text.debugDescription)")
        }

        let quiet = try await BuiltProduct.run(
            "gplr", ["generate", "--out", directory.file("quiet")] + Self.generateArguments,
            environment: Self.environment(["GPLR_PROGRESS": "off"]))
        #expect(quiet.status == 0 && quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    #if os(Linux)
        @Test func onATerminalTheBarIsRedrawnInPlaceAndEndsWithTheFinalLine() throws {
            // script(1) runs the command under a pseudo-terminal; util-linux's, in Debian's essential package bsdutils.
            let script = "/usr/bin/script"
            guard FileManager.default.isExecutableFile(atPath: script) else {
                Issue.record(
                    "\(script) (util-linux; Debian package bsdutils) is missing: cannot run gplr on a terminal")
                return
            }
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let arguments =
                [BuiltProduct.path("gplr"), "generate", "--out", directory.file("data")] + Self.generateArguments
            let command =
                arguments
                .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            process.arguments = ["-qfec", command, "/dev/null"]
            process.environment = Self.environment(["TERM": "xterm", "COLUMNS": "100"])
            let input = Pipe(), output = Pipe()
            process.standardInput = input  // kept open: no end of input for script to pass on
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            try? input.fileHandleForWriting.close()
            let text = String(decoding: data, as: UTF8.self)
            #expect(process.terminationStatus == 0, "\(text.debugDescription)")
            // The live line: carriage return + erase-line, then the bar; the final line replaces it the same way.
            #expect(text.contains("\r\u{1B}[Kgenerate [#"), "\(text.debugDescription)")
            #expect(text.contains("/3,000 users "), "\(text.debugDescription)")
            #expect(text.contains("\r\u{1B}[Kgenerate: 3,000 users in "), "\(text.debugDescription)")
            #expect(text.contains("wrote 3,000 users"), "\(text.debugDescription)")
        }
    #endif
}
