/// How far an ingest's reading is (``IngestOptions/progress``). Building the graph after the last row is not
/// counted.
public struct IngestProgress: Sendable, Equatable {
    /// Data rows read so far, over all files (headers excluded).
    public var rowsRead: Int
    /// Bytes read so far, over all files (in whole read chunks, so it runs a little ahead of the rows).
    public var bytesRead: Int
    /// Bytes of all the files the ingest reads, as they were when it started (never less than ``bytesRead``).
    public var bytesTotal: Int

    public init(rowsRead: Int, bytesRead: Int, bytesTotal: Int) {
        self.rowsRead = rowsRead
        self.bytesRead = bytesRead
        self.bytesTotal = bytesTotal
    }
}
