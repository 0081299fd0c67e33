import ArgumentParser
import Shared

/// `gplr ingest`: reads a dataset (Instacart, UCI Online Retail or generic CSV) into a verified snapshot.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read a purchase dataset into a .gplrsnap snapshot.",
        discussion: """
            instacart: a directory with orders.csv, order_products__prior.csv and/or order_products__train.csv, \
            products.csv. online-retail: the UCI Online Retail CSV. generic: purchases.csv (user,item,count) \
            and items.csv (item,name), or a directory holding them.
            """)

    @Option(help: "Dataset format: \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: DatasetFormat = .generic

    @Argument(help: "The dataset file or directory.")
    var input: String

    @Option(name: .shortAndLong, help: "The snapshot to write (.gplrsnap).")
    var out: String

    @Flag(help: "Skip malformed rows (counted in the report) instead of stopping at the first one.")
    var skipBadRows = false

    @Option(help: "zstd compression level of the snapshot.")
    var compressionLevel: Int = 3

    func run() throws {
        // Ctrl-C while the snapshot is being written removes its temporary file.
        let interrupts = InterruptCleanup.install("ingest")
        defer { interrupts.cancel() }
        let timer = Stopwatch()
        let source = IngestSource(format: format, path: input)
        let progress = ProgressReporter("ingest", total: nil, unit: .bytes)
        defer { progress.finish() }
        let (graph, report) = try ingestDataset(
            source, options: IngestOptions(skipBadRows: skipBadRows, progress: progress.ingestCallback))
        progress.finish()
        let ingestSeconds = timer.seconds
        let info = try Snapshot.write(graph, to: out, compressionLevel: compressionLevel)
        print("ingested \(Console.count(report.rowsRead)) rows (\(Console.count(report.rowsUsed)) used, "
            + "\(Console.count(report.rowsSkippedAsBad)) skipped as bad) in \(Console.seconds(ingestSeconds))")
        for (reason, count) in report.rowsDropped.sorted(by: { $0.key < $1.key }) where count > 0 {
            print("  dropped \(Console.count(count)) rows: \(reason)")
        }
        for sample in report.badRowSamples.prefix(5) { print("  bad row: \(sample)") }
        print("snapshot \(out): \(Console.count(info.userCount)) users, \(Console.count(info.itemCount)) items, "
            + "\(Console.count(info.edgeCount)) edges, \(Console.count(info.fileBytes)) bytes "
            + "(\(String(format: "%.2f", info.bytesPerEdge)) B/edge), hash \(info.hash)")
    }
}

extension DatasetFormat: ExpressibleByArgument {}
