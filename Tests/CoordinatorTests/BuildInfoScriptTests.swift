import Foundation
import GPLRTestSupport
import Testing

/// `Plugins/build-info.sh`, which the build-info plugin runs before every build: the commit of a git checkout
/// (marked dirty when tracked files changed), else `.gplr-commit`, else `unknown`; the file is left untouched
/// when its content would not change.
@Suite(.timeLimit(.minutes(2))) struct BuildInfoScriptTests {
    static let script = OpsSetupTests.root + "/Plugins/build-info.sh"

    /// Runs the script for `repository`, returns the commit it wrote.
    func generatedCommit(_ repository: String, into out: String) async throws -> String {
        let ran = try await BuiltProduct.runExecutable("/bin/sh", [Self.script, out, repository])
        #expect(ran.status == 0, "\(ran.stderr)")
        let text = try String(contentsOfFile: out + "/BuildCommit.swift", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("let generatedCommit = ") })
        return String(line.dropFirst("let generatedCommit = \"".count).dropLast())
    }

    func git(_ directory: String, _ arguments: [String]) async throws {
        let ran = try await BuiltProduct.runExecutable(
            "/usr/bin/env",
            ["git", "-C", directory, "-c", "user.name=t", "-c", "user.email=t@example.org"] + arguments)
        try #require(ran.status == 0, "git \(arguments): \(ran.stderr)")
    }

    @Test func namesTheCheckoutsCommitAndMarksItDirty() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-build-info")
        defer { directory.remove() }
        let repository = directory.file("repo"), out = directory.file("out")
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        try await git(repository, ["init", "-q"])
        try Data("a\n".utf8).write(to: URL(fileURLWithPath: repository + "/file"))
        try await git(repository, ["add", "file"])
        try await git(repository, ["commit", "-q", "-m", "one"])
        let head = try await BuiltProduct.runExecutable("/usr/bin/env", ["git", "-C", repository, "rev-parse", "HEAD"])
        let commit = try await generatedCommit(repository, into: out)
        #expect(commit.count == 12 && head.stdout.hasPrefix(commit), "\(commit) vs \(head.stdout)")

        // An unchanged commit leaves the file alone (nothing to recompile).
        let path = out + "/BuildCommit.swift"
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(try await generatedCommit(repository, into: out) == commit)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == before)

        try Data("b\n".utf8).write(to: URL(fileURLWithPath: repository + "/file"))
        #expect(try await generatedCommit(repository, into: out) == commit + "-dirty")
    }

    @Test func withoutGitReadsTheCommitFileElseSaysUnknown() async throws {
        let directory = try TemporaryDirectory(prefix: "gplr-build-info")
        defer { directory.remove() }
        let source = directory.file("source"), out = directory.file("out")
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        #expect(try await generatedCommit(source, into: out) == "unknown")
        // Only hex digits, letters and '-' are kept: the value lands in a Swift string literal.
        try Data("0123abcd4567\"; evil()\n".utf8).write(to: URL(fileURLWithPath: source + "/.gplr-commit"))
        #expect(try await generatedCommit(source, into: out) == "0123abcd4567evil")
    }
}
