/// A row the ingest cannot use because a field is malformed; turned into a ``DatasetError`` with the file
/// and line by ``IngestContext``.
struct BadRow: Error {
    let message: String
    let column: String?
    let code: DatasetError.Code

    init(_ message: String, column: String?, code: DatasetError.Code = .badValue) {
        self.message = message
        self.column = column
        self.code = code
    }
}

/// What an ingest does with a well-formed row.
enum RowOutcome {
    case used
    case dropped(String)
}

/// Shared bookkeeping of the format readers: header lookup, field-count and quoting checks, the
/// skip-or-fail decision for bad rows, per-file counts and progress.
struct IngestContext {
    let options: IngestOptions
    private(set) var files: [IngestFileReport] = []
    private(set) var samples: [DatasetError] = []
    private(set) var rowsRead = 0
    /// Bytes of the files read to their end so far.
    private(set) var bytesRead = 0
    /// Bytes of all the files the ingest reads (for progress).
    let bytesTotal: Int
    /// The format reader's checks of ids and names; its Latin-1 count goes into the report.
    var text: IngestText
    private static let sampleLimit = 10
    private static let progressInterval = 1 << 16

    init(options: IngestOptions, bytesTotal: Int = 0) {
        self.options = options
        self.bytesTotal = bytesTotal
        text = IngestText(options: options)
    }

    /// How far the reading is after the last finished file.
    var progress: IngestProgress {
        IngestProgress(rowsRead: rowsRead, bytesRead: bytesRead, bytesTotal: max(bytesTotal, bytesRead))
    }

    /// Reads the CSV at `path`: its first row must name every column in `columns[..<requiredCount]`
    /// (compared trimmed and case-insensitively); the rest are optional. `body` gets each data row and the
    /// column positions (-1 for an absent optional column), and returns what became of the row or throws
    /// ``BadRow``.
    mutating func readCSV(
        _ path: String, columns: [String], requiredCount: Int,
        _ body: (borrowing CSVRow, CSVColumns) throws -> RowOutcome
    ) throws {
        let reader = try CSVReader(path: path, chunkSize: options.chunkSize)
        var report = IngestFileReport(path: path)
        var positions: CSVColumns?
        var fieldCount = 0
        var samples = self.samples
        var rowsRead = self.rowsRead
        // Counted in plain locals that only the row callback touches (`report` is shared with `fail`, and each
        // access to it per row was checked for exclusivity at run time), and moved into `report` at the end.
        let rowsBefore = rowsRead
        var rowsUsed = 0
        let skip = options.skipBadRows
        let progress = options.progress
        let bytesBefore = bytesRead, bytesTotal = bytesTotal

        func fail(_ error: DatasetError) throws {
            guard skip else { throw error }
            report.rowsSkippedAsBad += 1
            if samples.count < Self.sampleLimit { samples.append(error) }
        }

        try reader.forEachRow { row in
            guard let columnPositions = positions else {
                // The header row.
                if let defect = row.defect {
                    throw DatasetError(defect.code, defect.message, file: path, line: row.line)
                }
                let names = row.strings.map { PersonaSet.normalize($0) }
                positions = CSVColumns(
                    try columns.enumerated().map { k, column in
                        if let position = names.firstIndex(of: column) { return position }
                        if k < requiredCount {
                            throw DatasetError(
                                .missingColumn,
                                "the header has no '\(column)' column (it has: \(names.joined(separator: ",")))",
                                file: path, line: row.line, column: column)
                        }
                        return -1
                    })
                fieldCount = row.count
                return
            }
            rowsRead += 1
            if rowsRead % Self.progressInterval == 0, let progress {
                let bytes = bytesBefore + reader.bytesRead
                progress(IngestProgress(rowsRead: rowsRead, bytesRead: bytes, bytesTotal: max(bytesTotal, bytes)))
            }
            if let defect = row.defect {
                try fail(DatasetError(defect.code, defect.message, file: path, line: row.line))
                return
            }
            guard row.count == fieldCount else {
                try fail(
                    DatasetError(
                        .wrongFieldCount, "expected \(fieldCount) fields as in the header, found \(row.count)",
                        file: path, line: row.line))
                return
            }
            do {
                switch try body(row, columnPositions) {
                case .used: rowsUsed += 1
                case .dropped(let reason): report.rowsDropped[reason, default: 0] += 1
                }
            } catch let bad as BadRow {
                try fail(DatasetError(bad.code, bad.message, file: path, line: row.line, column: bad.column))
            }
        }
        if positions == nil {
            throw DatasetError(.emptyFile, "the file has no header row", file: path, line: 1)
        }
        report.rowsRead = rowsRead - rowsBefore
        report.rowsUsed = rowsUsed
        files.append(report)
        self.samples = samples
        self.rowsRead = rowsRead
        bytesRead = bytesBefore + reader.bytesRead
        progress?(self.progress)
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes without leading and trailing ASCII spaces and tabs.
    var trimmed: UnsafeRawBufferPointer {
        var lo = 0, hi = count
        while lo < hi && (self[lo] == 0x20 || self[lo] == 0x09) { lo += 1 }
        while hi > lo && (self[hi - 1] == 0x20 || self[hi - 1] == 0x09) { hi -= 1 }
        return UnsafeRawBufferPointer(rebasing: self[lo..<hi])
    }

    /// The bytes as a `String` for messages, cut to a readable length.
    var preview: String {
        let text = String(decoding: prefix(60), as: UTF8.self)
        return count > 60 ? text + "…" : text
    }
}

extension IngestContext {
    /// About how many rows the purchase files hold, to reserve the builder's arrays with (growing them row by row
    /// copied each one into fresh pages, which the kernel zeroes: at 10M users that was a tenth of the ingest).
    /// Files that cannot be opened count 0: reading them reports the error.
    static func estimatedRows(of paths: [String]) -> Int {
        paths.reduce(0) { total, path in
            total + ((try? ChunkedFileReader(path: path, chunkSize: 1))?.estimatedLineCount() ?? 0)
        }
    }

    /// ``GraphBuilder/build()``, its count overflow as a ``DatasetError`` about the purchases file. The builder is
    /// spent: its arrays become the graph's.
    static func build(_ builder: inout GraphBuilder, purchases: String) throws(DatasetError) -> PurchaseGraph {
        do {
            return try builder.build()
        } catch {
            throw DatasetError(.countOverflow, "\(error)", file: purchases, column: "count")
        }
    }
}
