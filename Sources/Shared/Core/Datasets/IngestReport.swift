/// What one file of an ingest contributed. For every file,
/// `rowsRead == rowsUsed + rowsSkippedAsBad + rowsDropped.values.sum()`.
struct IngestFileReport: Sendable, Equatable {
    var path: String
    /// Data rows read (the header excluded).
    var rowsRead = 0
    /// Rows that became a purchase, an order → user mapping or an item name.
    var rowsUsed = 0
    /// Malformed rows skipped because ``IngestOptions/skipBadRows`` was set.
    var rowsSkippedAsBad = 0
    /// Well-formed rows left out on purpose, by reason (see ``IngestReport/DropReason``).
    var rowsDropped: [String: Int] = [:]

    init(path: String) { self.path = path }
}

/// What an ingest read, used, skipped and dropped, per file and in total.
public struct IngestReport: Sendable {
    /// Reasons rows are dropped (keys of ``IngestFileReport/rowsDropped``).
    enum DropReason {
        /// Online Retail: no CustomerID.
        static let missingCustomerID = "missing-customer-id"
        /// Online Retail: the invoice number starts with "C".
        static let cancellation = "cancellation"
        /// Online Retail: Quantity ≤ 0.
        static let nonPositiveQuantity = "non-positive-quantity"
        /// Generic: count ≤ 0.
        static let nonPositiveCount = "non-positive-count"
        /// Instacart: an order_products row whose order is not in orders.csv.
        static let unknownOrder = "unknown-order"
    }

    public var format: DatasetFormat
    var files: [IngestFileReport]
    /// The first few malformed rows that were skipped, to show the user what was wrong.
    public var badRowSamples: [DatasetError]
    /// Fields decoded as Latin-1 because they were not valid UTF-8 (``InvalidUTF8Policy/latin1``): each id once,
    /// where first seen in the purchases, and each name (or names file id) field.
    public var latin1Decoded: Int
    /// The items are named by their ids: the dataset has no names file (``IngestOptions/itemNamesAbsent``).
    public var itemNamesAbsent: Bool

    init(
        format: DatasetFormat, files: [IngestFileReport], badRowSamples: [DatasetError], latin1Decoded: Int = 0,
        itemNamesAbsent: Bool = false
    ) {
        self.format = format
        self.files = files
        self.badRowSamples = badRowSamples
        self.latin1Decoded = latin1Decoded
        self.itemNamesAbsent = itemNamesAbsent
    }

    public var rowsRead: Int { files.reduce(0) { $0 + $1.rowsRead } }
    public var rowsUsed: Int { files.reduce(0) { $0 + $1.rowsUsed } }
    public var rowsSkippedAsBad: Int { files.reduce(0) { $0 + $1.rowsSkippedAsBad } }
    /// Dropped rows by reason, over all files.
    public var rowsDropped: [String: Int] {
        files.reduce(into: [:]) { total, file in total.merge(file.rowsDropped, uniquingKeysWith: +) }
    }
}
