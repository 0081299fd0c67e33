import GPLRCore

/// A snapshot as `gplr snapshot inspect --json` and `gplr ingest --json` print it.
struct SnapshotSummary: Encodable {
    struct Section: Encodable {
        var name: String
        var storedBytes: Int
        var rawBytes: Int
        var sha256: String

        enum CodingKeys: String, CodingKey { case name, storedBytes = "stored_bytes", rawBytes = "raw_bytes", sha256 }
    }

    var path: String
    var formatVersion: Int
    var hash: String
    var users: Int
    var items: Int
    var edges: Int
    var fileBytes: Int
    var sections: [Section]

    enum CodingKeys: String, CodingKey {
        case path, formatVersion = "format_version", hash, users, items, edges, fileBytes = "file_bytes", sections
    }

    init(path: String, info: SnapshotInfo) {
        self.path = path
        formatVersion = Int(info.formatVersion)
        hash = info.hash.hex
        users = info.userCount
        items = info.itemCount
        edges = info.edgeCount
        fileBytes = info.fileBytes
        sections = info.sections.map {
            Section(name: $0.name, storedBytes: $0.storedBytes, rawBytes: $0.rawBytes, sha256: $0.checksum)
        }
    }
}

/// What `gplr ingest --json` prints: the rows read and the snapshot written.
struct IngestSummary: Encodable {
    var format: String
    var rowsRead: Int
    var rowsUsed: Int
    var rowsSkippedAsBad: Int
    /// Dropped rows by reason (`missing_customer_id`, `cancellation`, …).
    var rowsDropped: [String: Int]
    var badRowSamples: [String]
    var latin1Decoded: Int
    var itemNamesAbsent: Bool
    var seconds: Double
    var snapshot: SnapshotSummary

    enum CodingKeys: String, CodingKey {
        case format, rowsRead = "rows_read", rowsUsed = "rows_used", rowsSkippedAsBad = "rows_skipped_as_bad"
        case rowsDropped = "rows_dropped", badRowSamples = "bad_row_samples", latin1Decoded = "latin1_decoded"
        case itemNamesAbsent = "item_names_absent", seconds, snapshot
    }
}
