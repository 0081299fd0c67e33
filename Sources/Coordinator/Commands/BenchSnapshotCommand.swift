import ArgumentParser
import Foundation
import GPLRCore

/// `gplr bench snapshot`: size on disk and load + verify time of a snapshot.
struct BenchSnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Write and read a snapshot: bytes per edge, write and load+verify time.")

    @OptionGroup var graphOptions: BenchGraphOptions

    @Option(help: "zstd level.")
    var compressionLevel: Int = 3

    @Option(help: "Repetitions of the read; the best time is reported.")
    var repetitions: Int = 3

    func run() throws {
        let scratch = try graphOptions.scratchDirectory()
        defer { if scratch.remove { try? FileManager.default.removeItem(atPath: scratch.path) } }
        let (graph, _) = try graphOptions.build(in: scratch.path)
        let path = (scratch.path as NSString).appendingPathComponent("bench.gplrsnap")
        var timer = Stopwatch()
        let info = try Snapshot.write(graph, to: path, compressionLevel: compressionLevel)
        let writeSeconds = timer.seconds
        var best = Double.infinity
        for _ in 0..<max(1, repetitions) {
            timer = Stopwatch()
            let (loaded, _) = try Snapshot.read(from: path)
            best = min(best, timer.seconds)
            guard loaded.edgeCount == graph.edgeCount else { throw ValidationError("snapshot round trip lost edges") }
        }
        print(
            "snapshot: \(Console.count(info.userCount)) users, \(Console.count(info.itemCount)) items, "
                + "\(Console.count(info.edgeCount)) edges (\(graphOptions.source.rawValue)), zstd level \(compressionLevel)"
        )
        print(
            "  \(Console.count(info.fileBytes)) bytes"
                + String(
                    format: ", %.3f bytes/edge; write %.2f s; load + verify %.3f s (best of %d)",
                    info.bytesPerEdge, writeSeconds, best, repetitions))
        for section in info.sections {
            print(
                "  " + section.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                    + String(format: " %6.3f bytes/edge", Double(section.storedBytes) / Double(max(1, info.edgeCount))))
        }
    }
}
