import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` into the `GPLRBuildInfo` target at the start of every build: the git commit the
/// binaries are built from (12 hex digits, `-dirty` when tracked files differ from it), so that `--version`,
/// `gplr_build_info` and `report.json` name it. Without git or a repository (a source archive, a Docker build
/// context without `.git`) it reads a `.gplr-commit` file at the package root, else says `unknown`; it never fails
/// the build. The file is rewritten only when its content changes, so an unchanged commit rebuilds nothing. The
/// work is `Plugins/build-info.sh` (outside the plugin's folder, so that SwiftPM does not see an unhandled file),
/// which `BuildInfoScriptTests` runs on its own.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of the build",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    context.package.directoryURL.appending(path: "Plugins/build-info.sh").path, output.path,
                    context.package.directoryURL.path,
                ],
                outputFilesDirectory: output)
        ]
    }
}
