import ArgumentParser
import GPLRCore

/// `gplr snapshot inspect`: header, sections and checksums of a snapshot, verified.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Inspect snapshots.", subcommands: [Inspect.self])

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a snapshot fully and print its header and sections.")

        @Argument(help: "The .gplrsnap file.")
        var path: String

        @Flag(help: "Print the header and sections as JSON.")
        var json = false

        func run() throws {
            let timer = Stopwatch()
            let (_, info) = try Snapshot.read(from: path)
            if json { return try JSONOutput.print(SnapshotSummary(path: path, info: info)) }
            print("snapshot \(path)")
            print("  format version \(info.formatVersion), hash \(info.hash)")
            print(
                "  \(Console.count(info.userCount)) users, \(Console.count(info.itemCount)) items, "
                    + "\(Console.count(info.edgeCount)) edges, \(Console.count(info.fileBytes)) bytes")
            for section in info.sections {
                print(
                    "  section \(section.name): \(Console.count(section.storedBytes)) bytes stored, "
                        + "\(Console.count(section.rawBytes)) raw, sha256 \(section.checksum.prefix(16))…")
            }
            print("  verified in \(Console.seconds(timer.seconds))")
        }
    }
}
