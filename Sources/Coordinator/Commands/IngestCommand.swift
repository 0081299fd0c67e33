public import ArgumentParser
import GPLRCore
import GPLRSupport

/// `gplr ingest`: reads a dataset (Instacart, UCI Online Retail or generic CSV) into a verified snapshot.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read a purchase dataset into a .gplrsnap snapshot.",
        discussion: """
            instacart: a directory with orders.csv, order_products__prior.csv and/or order_products__train.csv, \
            products.csv. online-retail: the UCI Online Retail CSV. generic: purchases.csv (user,item,count) \
            and items.csv (item,name), or a directory holding them. Without the names file (products.csv, \
            items.csv) ingest stops unless --no-item-names. Ids and names must be UTF-8 (--invalid-utf8 latin1 \
            reads other values as Latin-1) and within --max-id-bytes / --max-name-bytes; a dataset without a \
            usable purchase is refused. See docs/configuration.md.
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

    @Option(
        help: ArgumentHelp(
            "Ids and names that are not valid UTF-8: error (stop at the row) or latin1 (read them as Latin-1).",
            valueName: "policy"))
    var invalidUTF8: InvalidUTF8Policy = .error

    @Option(help: "Longest user or item id accepted, in bytes.")
    var maxIDBytes = IngestLimits().maxIDBytes

    @Option(help: "Longest item name accepted, in bytes.")
    var maxNameBytes = IngestLimits().maxNameBytes

    @Flag(help: "Ingest without a names file (products.csv / items.csv): items are named by their ids.")
    var noItemNames = false

    func validate() throws {
        guard maxIDBytes >= 1, maxNameBytes >= 1 else {
            throw ValidationError("--max-id-bytes and --max-name-bytes must be at least 1")
        }
    }

    @Flag(help: "Print what was read and the snapshot written as JSON (no progress line on standard error).")
    var json = false

    func run() throws {
        // Ctrl-C while the snapshot is being written removes its temporary file.
        let interrupts = InterruptCleanup.install("ingest")
        defer { interrupts.cancel() }
        let timer = Stopwatch()
        let source = IngestSource(format: format, path: input)
        let progress = ProgressReporter("ingest", total: nil, unit: .bytes, mode: json ? .off : .current)
        defer { progress.finish() }
        let (graph, report) = try ingestDataset(
            source,
            options: IngestOptions(
                skipBadRows: skipBadRows, progress: progress.ingestCallback, invalidUTF8: invalidUTF8,
                limits: IngestLimits(maxIDBytes: maxIDBytes, maxNameBytes: maxNameBytes),
                itemNamesAbsent: noItemNames))
        progress.finish()
        let ingestSeconds = timer.seconds
        let info = try Snapshot.write(graph, to: out, compressionLevel: compressionLevel)
        if json {
            return try JSONOutput.print(
                IngestSummary(
                    format: format.rawValue, rowsRead: report.rowsRead, rowsUsed: report.rowsUsed,
                    rowsSkippedAsBad: report.rowsSkippedAsBad,
                    rowsDropped: Dictionary(
                        report.rowsDropped.map { (SnakeCase.convert($0.key), $0.value) }, uniquingKeysWith: +),
                    badRowSamples: report.badRowSamples.prefix(5).map { "\($0)" }, latin1Decoded: report.latin1Decoded,
                    itemNamesAbsent: report.itemNamesAbsent, seconds: ingestSeconds,
                    snapshot: SnapshotSummary(path: out, info: info)))
        }
        print(
            "ingested \(Console.count(report.rowsRead)) rows (\(Console.count(report.rowsUsed)) used, "
                + "\(Console.count(report.rowsSkippedAsBad)) skipped as bad) in \(Console.seconds(ingestSeconds))")
        for (reason, count) in report.rowsDropped.sorted(by: { $0.key < $1.key }) where count > 0 {
            print("  dropped \(Console.count(count)) rows: \(reason)")
        }
        for sample in report.badRowSamples.prefix(5) { print("  bad row: \(sample)") }
        if report.latin1Decoded > 0 {
            let fields = report.latin1Decoded == 1 ? "field" : "fields"
            print(
                "  read \(Console.count(report.latin1Decoded)) \(fields) as Latin-1 (not valid UTF-8; --invalid-utf8 latin1)"
            )
        }
        if report.itemNamesAbsent {
            Console.status(
                "warning: no item names (--no-item-names): items are named by their ids, and the LLM "
                    + "prompts will show those ids")
        }
        print(
            "snapshot \(out): \(Console.count(info.userCount)) users, \(Console.count(info.itemCount)) items, "
                + "\(Console.count(info.edgeCount)) edges, \(Console.count(info.fileBytes)) bytes "
                + "(\(String(format: "%.2f", info.bytesPerEdge)) B/edge), hash \(info.hash)")
    }
}

extension DatasetFormat: ExpressibleByArgument {}
extension InvalidUTF8Policy: ExpressibleByArgument {}
