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

    /// Built from a git checkout (the tests always are), the commit is one of the checkout's: HEAD, or an ancestor
    /// of it when commits were made after the build (`swift test --skip-build`), never `unknown`.
    @Test func theCommitIsTheCheckouts() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let inside = try await BuiltProduct.runExecutable(
            "/usr/bin/env", ["git", "-C", root, "rev-parse", "--is-inside-work-tree"])
        try #require(inside.status == 0, "not a git checkout: \(inside.stderr)")
        let commit = BuildInfo.commit.replacingOccurrences(of: "-dirty", with: "")
        #expect(commit.count == 12 && commit.allSatisfy(\.isHexDigit), "\(BuildInfo.commit)")
        let ancestor = try await BuiltProduct.runExecutable(
            "/usr/bin/env", ["git", "-C", root, "merge-base", "--is-ancestor", commit, "HEAD"])
        #expect(ancestor.status == 0, "\(BuildInfo.commit) is not HEAD or an ancestor: \(ancestor.stderr)")
    }
}
