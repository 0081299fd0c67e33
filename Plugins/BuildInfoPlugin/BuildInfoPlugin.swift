import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` into the `GPLRBuildInfo` target at the start of every build: the git commit the
/// binaries are built from (12 hex digits, `-dirty` when tracked files differ from it), so that `--version`,
/// `gplr_build_info` and `report.json` name it. Without git or a repository (a source archive, a Docker build
/// context without `.git`) it reads a `.gplr-commit` file at the package root, else says `unknown`; it never fails
/// the build. The file is rewritten only when its content changes, so an unchanged commit rebuilds nothing.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of the build",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "build-info", output.path, context.package.directoryURL.path],
                outputFilesDirectory: output)
        ]
    }

    /// `$1`: the output directory; `$2`: the package root.
    static let script = #"""
        out="$1"; repo="$2"
        mkdir -p "$out" || exit 0
        commit="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null)"
        if [ -n "$commit" ]; then
            if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
                commit="$commit-dirty"
            fi
        elif [ -f "$repo/.gplr-commit" ]; then
            commit="$(head -c 64 "$repo/.gplr-commit" | tr -cd '0-9a-z-')"
        fi
        [ -n "$commit" ] || commit=unknown
        printf '// Generated at build time by Plugins/BuildInfoPlugin: do not edit.\nlet generatedCommit = "%s"\n' \
            "$commit" > "$out/BuildCommit.swift.new"
        if cmp -s "$out/BuildCommit.swift.new" "$out/BuildCommit.swift"; then
            rm -f "$out/BuildCommit.swift.new"
        else
            mv "$out/BuildCommit.swift.new" "$out/BuildCommit.swift"
        fi
        exit 0
        """#
}
