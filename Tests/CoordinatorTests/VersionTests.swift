import Foundation
import GPLRBuildInfo
import GPLRTestSupport
import Testing

/// `gplr --version` and `gplr-worker --version`: the same version and commit as `gplr_build_info` and report.json.
@Suite(.timeLimit(.minutes(2))) struct VersionTests {
    @Test(arguments: ["gplr", "gplr-worker"])
    func printsTheVersionAndTheCommit(_ product: String) async throws {
        let output = try await BuiltProduct.run(product, ["--version"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout == "\(product) \(BuildInfo.version) (commit \(BuildInfo.commit))\n")
        #expect(BuildInfo.version.split(separator: ".").count == 3)
    }

    /// Built from a git checkout (the tests always are), the commit is the checkout's HEAD, not `unknown`.
    @Test func theCommitIsTheCheckoutsHead() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let git = try await BuiltProduct.runExecutable("/usr/bin/env", ["git", "-C", root, "rev-parse", "HEAD"])
        try #require(git.status == 0, "not a git checkout: \(git.stderr)")
        let head = git.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = BuildInfo.commit.replacingOccurrences(of: "-dirty", with: "")
        #expect(commit.count == 12 && head.hasPrefix(commit), "commit \(BuildInfo.commit), HEAD \(head)")
    }
}
