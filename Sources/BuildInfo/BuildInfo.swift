/// Which gplr this binary is: what `gplr --version` and `gplr-worker --version` print, what `gplr_build_info`
/// reports on `/metrics` and what `report.json` records.
package enum BuildInfo {
    /// The release, bumped by hand in this file when one is cut (semantic versioning).
    package static let version = "0.1.0"

    /// The git commit the binary was built from (12 hex digits, `-dirty` when tracked files differed from it), or
    /// `unknown` when the build had neither git nor a `.gplr-commit` file (written by Plugins/BuildInfoPlugin).
    package static let commit = generatedCommit

    /// `0.1.0 (commit 0123456789ab)`: the `--version` line.
    package static let versionLine = "\(version) (commit \(commit))"
}
