public import GPLRCore

/// The generated shop the snapshot and ingest benchmarks measure: `gplr generate`'s synthetic generator with a fixed
/// configuration and seed, written once per benchmark process as the generic CSV (`purchases.csv`, `items.csv`).
///
/// 100,000 users, 25,000 items and 20 planted personas with the generator's default degrees (mean ≈ 30): about 3M
/// purchase rows, a quarter of Instacart-Full's edges, so that each benchmark target runs well under a minute on
/// the project's 2-core machine. Same seed, same rows on every run and machine.
public struct SyntheticDataset: Sendable {
    /// The generator's configuration: fixed, so that every run measures the same data.
    public static let config = SyntheticConfig(users: 100_000, items: 25_000, personas: 20, seed: 14)

    /// The directory holding the CSV files.
    public let directory: String
    /// Rows of `purchases.csv` (distinct user–item pairs: the edges of the graph ingested from it).
    public let purchaseRows: Int

    /// Writes the dataset (generic format) into `scratch`, creating it.
    public static func write(into scratch: ScratchDirectory) throws -> SyntheticDataset {
        try scratch.create()
        let summary = try SyntheticGenerator(config: config).write(to: scratch.path)
        return SyntheticDataset(directory: scratch.path, purchaseRows: summary.purchaseRows)
    }

    /// Ingests the dataset into a graph, the way `gplr ingest --format generic` does.
    /// - Returns: the graph and the number of data rows read (purchases and item names).
    public func ingest() throws -> (graph: PurchaseGraph, rowsRead: Int) {
        let (graph, report) = try ingestDataset(
            IngestSource(format: .generic, path: directory), options: IngestOptions())
        guard graph.edgeCount == purchaseRows else {
            throw BenchmarkFixtureError(
                "ingest of \(directory) gave \(graph.edgeCount) edges for \(purchaseRows) purchase rows")
        }
        return (graph, report.rowsRead)
    }
}
