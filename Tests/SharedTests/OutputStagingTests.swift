import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// Result files are switched in together: until ``OutputStaging/commit(_:)`` the directory holds the previous
/// set untouched; the leftovers of a killed writer are removed (staging) or finished (commit) by the next one.
@Suite(.timeLimit(.minutes(5))) struct OutputStagingTests {
    @Test func commitSwitchesEveryFileAndLeavesNothingElse() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write("old a", to: directory.file("a.txt"))
        try write("old b", to: directory.file("b.txt"))

        let staging = try OutputStaging(directory: directory.path)
        try write("new a", to: staging.path("a.txt"))
        try write("new b", to: staging.path("b.txt"))
        #expect(try read(directory.file("a.txt")) == "old a")
        #expect(try read(directory.file("b.txt")) == "old b")

        try staging.commit(["a.txt", "b.txt"])
        #expect(try read(directory.file("a.txt")) == "new a")
        #expect(try read(directory.file("b.txt")) == "new b")
        #expect(try entries(directory) == ["a.txt", "b.txt"])
    }

    @Test func discardRemovesTheStagedFilesAndKeepsThePreviousSet() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write("old", to: directory.file("a.txt"))
        let staging = try OutputStaging(directory: directory.path)
        try write("half", to: staging.path("a.txt"))
        staging.discard()
        #expect(try read(directory.file("a.txt")) == "old")
        #expect(try entries(directory) == ["a.txt"])
    }

    @Test func theStagingDirectoryOfAKilledWriterIsRemovedByTheNextOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try write("old", to: directory.file("a.txt"))
        let dead = try deadProcessID()
        let leftover = directory.file("\(OutputStaging.stagingPrefix)\(dead).1f2e")
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: false)
        try write("half-written", to: leftover + "/a.txt")
        // A writer that still runs (this process) keeps its staging directory.
        let alive = directory.file("\(OutputStaging.stagingPrefix)\(getpid()).77")
        try FileManager.default.createDirectory(atPath: alive, withIntermediateDirectories: false)

        try OutputStaging.recover(directory: directory.path)
        #expect(try entries(directory) == ["\(OutputStaging.stagingPrefix)\(getpid()).77", "a.txt"])
        #expect(try read(directory.file("a.txt")) == "old")
    }

    @Test func aCommittedSwitchAKilledWriterLeftHalfDoneIsFinished() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Killed after the commit point: a.txt already moved into place, b.txt still in .gplr-commit.
        try write("new a", to: directory.file("a.txt"))
        try write("old b", to: directory.file("b.txt"))
        let committed = directory.file(OutputStaging.commitName)
        try FileManager.default.createDirectory(atPath: committed, withIntermediateDirectories: false)
        try write("new b", to: committed + "/b.txt")

        let staging = try OutputStaging(directory: directory.path)
        #expect(try read(directory.file("a.txt")) == "new a")
        #expect(try read(directory.file("b.txt")) == "new b")
        staging.discard()
        #expect(try entries(directory) == ["a.txt", "b.txt"])
    }

    @Test func theStagingDirectoryIsRegisteredForRemovalOnInterruptUntilCommitted() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let staging = try OutputStaging(directory: directory.path)
        #expect(TemporaryPaths.registered.contains(staging.stagingDirectory))
        try write("x", to: staging.path("a.txt"))
        try staging.commit(["a.txt"])
        #expect(!TemporaryPaths.registered.contains(staging.stagingDirectory))
    }

    @Test func runOutputWriterReplacesAPreviousSetAndRemovesLeftovers() async throws {
        let data = try PlantedDataset(users: 300, items: 150, personas: 5)
        var parameters = RunParameters()
        parameters.budget = .count(30)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let provenance = ReportProvenance(labeler: .labelsFile, model: nil, gplrVersion: "9.9.9", gplrCommit: "abc")
        let writer = RunOutputWriter(directory: directory.path, provenance: provenance)
        try writer.write(try await data.runner(parameters).run(), graph: data.graph, personas: data.personas)
        // What a killed earlier write leaves: a staging directory of a dead process and an old-style .partial.
        let leftover = directory.file("\(OutputStaging.stagingPrefix)\(try deadProcessID()).9")
        try FileManager.default.createDirectory(atPath: leftover, withIntermediateDirectories: false)
        try write("{\"user\":", to: leftover + "/phi.jsonl")
        try write("\u{93}NUMPY", to: directory.file("psi.npy.partial"))

        parameters.seed = 2
        let second = try await data.runner(parameters).run()
        try writer.write(second, graph: data.graph, personas: data.personas)
        #expect(try entries(directory) == RunOutputWriter.files.sorted())
        let report = try JSONDecoder().decode(
            RunReportDocument.self,
            from: Data(contentsOf: URL(fileURLWithPath: directory.file(RunOutputWriter.reportFile))))
        #expect(report == RunReportDocument(second.report, provenance: provenance))
    }

    // MARK: - Helpers

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    private func entries(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// The id of a process that has ended (and been reaped).
    private func deadProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
