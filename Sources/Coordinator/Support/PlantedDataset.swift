import GPLRCore

/// The dataset `gplr quickstart` and `gplr demo` run on: a synthetic one with planted personas (seed 42), ingested
/// into a snapshot, each step said on the status line.
enum PlantedDataset {
    /// Generates `config` (its seed set to 42) into the directory `data`, then ingests it into the snapshot file
    /// `snapshot`. `tag` starts both status lines ("demo: " or ""), `planted` follows the users count in the first
    /// (" with 20 planted personas" or "").
    static func write(_ config: SyntheticConfig, data: String, snapshot: String, tag: String, planted: String) throws {
        var timer = Stopwatch()
        var config = config
        config.seed = 42
        let summary = try SyntheticGenerator(config: config).write(to: data)
        Console.status(
            "\(tag)generated \(Console.count(summary.purchaseRows)) purchases of \(Console.count(config.users)) users"
                + "\(planted) in \(Console.seconds(timer.seconds)) → \(data)")
        timer = Stopwatch()
        let (graph, _) = try ingestDataset(IngestSource(format: .generic, path: data), options: IngestOptions())
        let info = try Snapshot.write(graph, to: snapshot)
        Console.status(
            "\(tag)ingested into \(snapshot) (\(Console.count(info.fileBytes)) bytes) in \(Console.seconds(timer.seconds))"
        )
    }
}
