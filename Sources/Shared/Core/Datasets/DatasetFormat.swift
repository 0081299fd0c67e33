/// The purchase-data formats gplr ingests (and the synthetic generator writes).
public enum DatasetFormat: String, CaseIterable, Sendable {
    /// The Instacart Market Basket dataset: a directory with `orders.csv`, `order_products__prior.csv`
    /// and/or `order_products__train.csv`, and (optionally) `products.csv`.
    case instacart
    /// The UCI Online Retail dataset exported as one CSV.
    case onlineRetail = "online-retail"
    /// `purchases.csv` (`user,item[,count]`) and optionally `items.csv` (`item,name`).
    case generic
}

/// Where a dataset's files are.
public enum IngestSource: Sendable, Equatable {
    case instacart(directory: String)
    case onlineRetail(file: String)
    case generic(purchases: String, items: String?)

    /// The source of `format` at `path`: the dataset directory for Instacart; the CSV file for Online Retail;
    /// for generic, either a directory holding `purchases.csv` (and `items.csv` if present) or the purchases
    /// file itself (with an `items.csv` beside it used if present).
    public init(format: DatasetFormat, path: String) {
        switch format {
        case .instacart: self = .instacart(directory: path)
        case .onlineRetail: self = .onlineRetail(file: path)
        case .generic:
            let purchases = FileSystem.isDirectory(path) ? FileSystem.join(path, "purchases.csv") : path
            let items = FileSystem.join(FileSystem.parent(of: purchases), "items.csv")
            self = .generic(purchases: purchases, items: FileSystem.exists(items) ? items : nil)
        }
    }

    public var format: DatasetFormat {
        switch self {
        case .instacart: .instacart
        case .onlineRetail: .onlineRetail
        case .generic: .generic
        }
    }

    /// The file that names the items (Instacart `products.csv`, generic `items.csv`); `nil` when the format
    /// names them in the purchases file itself (Online Retail's `Description`).
    public var namesFile: String? {
        switch self {
        case .instacart(let directory): FileSystem.join(directory, "products.csv")
        case .onlineRetail: nil
        case .generic(let purchases, let items):
            items ?? FileSystem.join(FileSystem.parent(of: purchases), "items.csv")
        }
    }

    /// Whether the files holding the purchases exist (Instacart: `orders.csv` and an `order_products` file).
    var hasPurchaseFiles: Bool {
        switch self {
        case .instacart(let directory):
            FileSystem.exists(FileSystem.join(directory, "orders.csv"))
                && InstacartIngest.purchaseFiles.contains { FileSystem.exists(FileSystem.join(directory, $0)) }
        case .onlineRetail(let file): FileSystem.exists(file)
        case .generic(let purchases, _): FileSystem.exists(purchases)
        }
    }

    /// The first file holding purchase rows (for messages about the purchases as a whole).
    public var purchasesFile: String {
        switch self {
        case .instacart(let directory):
            InstacartIngest.purchaseFiles.map { FileSystem.join(directory, $0) }.first(where: FileSystem.exists)
                ?? FileSystem.join(directory, InstacartIngest.purchaseFiles[0])
        case .onlineRetail(let file): file
        case .generic(let purchases, _): purchases
        }
    }

    /// The files an ingest of this source reads, in reading order, as far as they exist (a missing required file
    /// is reported by the ingest itself).
    public var existingFiles: [String] {
        let candidates: [String]
        switch self {
        case .instacart(let directory):
            candidates = (["orders.csv"] + InstacartIngest.purchaseFiles + ["products.csv"])
                .map { FileSystem.join(directory, $0) }
        case .onlineRetail(let file): candidates = [file]
        case .generic(let purchases, let items): candidates = [purchases] + (items.map { [$0] } ?? [])
        }
        return candidates.filter { FileSystem.exists($0) && !FileSystem.isDirectory($0) }
    }
}

/// How to ingest.
public struct IngestOptions: Sendable {
    /// Skip malformed rows (counting them in the report) instead of failing on the first one.
    public var skipBadRows: Bool
    /// Bytes per read; see ``CSVReader``.
    public var chunkSize: Int
    /// Called with how far the reading is: about every 65,536 rows, after each file and once at the end. It runs
    /// on the ingesting thread, inside the reading loop, so it should return quickly.
    public var progress: (@Sendable (IngestProgress) -> Void)?
    /// What to do with ids and names that are not valid UTF-8 (refuse them by default).
    public var invalidUTF8: InvalidUTF8Policy
    /// Longest id and item name accepted.
    public var limits: IngestLimits
    /// Generic format: accept a dataset without `items.csv`, naming every item by its id (otherwise refused:
    /// the LLM prompts would show bare ids).
    public var itemNamesAbsent: Bool

    public init(
        skipBadRows: Bool = false, chunkSize: Int = CSVReader.defaultChunkSize,
        progress: (@Sendable (IngestProgress) -> Void)? = nil, invalidUTF8: InvalidUTF8Policy = .error,
        limits: IngestLimits = IngestLimits(), itemNamesAbsent: Bool = false
    ) {
        self.skipBadRows = skipBadRows
        self.chunkSize = chunkSize
        self.progress = progress
        self.invalidUTF8 = invalidUTF8
        self.limits = limits
        self.itemNamesAbsent = itemNamesAbsent
    }
}

/// Reads a dataset into a ``PurchaseGraph``.
///
/// External user and item ids are kept verbatim (Online Retail's `CustomerID` "12346.0" becomes "12346");
/// users and items are numbered in order of first appearance in the purchase rows.
/// - Throws: ``DatasetError`` naming the file and line of the first malformed row (unless
///   ``IngestOptions/skipBadRows``), a missing file or a missing header column; a missing names file (unless
///   ``IngestOptions/itemNamesAbsent``); a dataset without a single usable purchase (`no purchases`).
public func ingestDataset(
    _ source: IngestSource, options: IngestOptions = IngestOptions()
) throws -> (graph: PurchaseGraph, report: IngestReport) {
    let namesFile = source.namesFile
    // After the files the format needs (their absence is the first thing to report), before reading anything.
    if let namesFile, !FileSystem.exists(namesFile), !options.itemNamesAbsent, source.hasPurchaseFiles {
        throw DatasetError(
            .fileNotFound,
            "no item names: without this file every item would be named by its id, and the LLM prompts would "
                + "list bare ids; add the file, or give --no-item-names to ingest without names",
            file: namesFile)
    }
    let total = source.existingFiles.reduce(0) { $0 + (FileSystem.size($1) ?? 0) }
    var context = IngestContext(options: options, bytesTotal: total)
    let graph: PurchaseGraph
    switch source {
    case .instacart(let directory): graph = try InstacartIngest.run(directory: directory, context: &context)
    case .onlineRetail(let file): graph = try OnlineRetailIngest.run(file: file, context: &context)
    case .generic(let purchases, let items):
        graph = try GenericIngest.run(purchases: purchases, items: items, context: &context)
    }
    options.progress?(context.progress)
    let report = IngestReport(
        format: source.format, files: context.files, badRowSamples: context.samples,
        latin1Decoded: context.text.latin1Decoded, itemNamesAbsent: namesFile.map { !FileSystem.exists($0) } ?? false)
    guard graph.userCount > 0, graph.edgeCount > 0 else {
        throw DatasetError(
            .noPurchases,
            "the dataset has no usable purchase (\(report.rowsRead) rows read, \(report.rowsSkippedAsBad) skipped as "
                + "bad, \(report.rowsDropped.values.reduce(0, +)) dropped): a snapshot needs at least one user with a "
                + "purchase", file: source.purchasesFile)
    }
    return (graph, report)
}
