/// Reads and writes `.gplrsnap` snapshots: one versioned file holding a whole ``PurchaseGraph`` (ids, names,
/// both CSR directions, purchase counts), compressed with zstd, checksummed per section and identified by a
/// ``ContentHash``. See ``SnapshotFormat`` for the layout.
///
/// The byte-level ``encode(_:compressionLevel:)`` and ``decode(_:)`` exist for publishing snapshots through
/// other stores (Redis chunks, HTTP); the file functions wrap them. Everything read is verified before a
/// graph is returned: corruption is a ``SnapshotError`` naming the damaged section, never a crash and never
/// a silently different graph.
public enum Snapshot {
    /// The format version this build writes and the newest it reads.
    public static let formatVersion: UInt16 = 1
    /// The usual file extension, without the dot.
    public static let fileExtension = "gplrsnap"

    /// Encodes `graph` into snapshot bytes.
    /// - Parameter compressionLevel: zstd level; 3 is fast, 19 is ~2× slower to write for a slightly smaller file.
    /// - Returns: the bytes and their content hash.
    /// - Throws: ``SnapshotError`` (``SnapshotError/Code/tooLarge`` when the graph does not fit the format).
    public static func encode(_ graph: PurchaseGraph, compressionLevel: Int = 3) throws
        -> (bytes: [UInt8], hash: ContentHash)
    {
        try SnapshotEncoder(graph: graph, compressionLevel: compressionLevel).encode()
    }

    /// Decodes and fully verifies snapshot bytes.
    /// - Throws: ``SnapshotError`` naming the header or section that fails verification.
    public static func decode(_ bytes: [UInt8]) throws -> (graph: PurchaseGraph, hash: ContentHash) {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> (graph: PurchaseGraph, hash: ContentHash) in
            let decoder = try SnapshotDecoder(file: raw)
            return (try decoder.decode(), decoder.header.contentHash)
        }
    }

    /// Decodes only the user ids of snapshot bytes: the header (and with it the content hash) and the `user-ids`
    /// section are verified, the other sections are neither verified nor decompressed. For work that only maps
    /// user indices to ids, such as a labels-file label job: at 10M users that is a few hundred MB instead of the
    /// whole graph's GBs, and a fraction of the decode time.
    /// - Throws: ``SnapshotError`` naming the header or `user-ids` when they fail verification.
    public static func decodeUserIDs(_ bytes: [UInt8]) throws -> (userIDs: [String], hash: ContentHash) {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> (userIDs: [String], hash: ContentHash) in
            let decoder = try SnapshotDecoder(file: raw)
            return (try decoder.decodeUserIDs(), decoder.header.contentHash)
        }
    }

    /// Verifies the header and every section checksum of snapshot bytes without building the graph.
    public static func inspect(_ bytes: [UInt8]) throws -> SnapshotInfo {
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> SnapshotInfo in
            let decoder = try SnapshotDecoder(file: raw)
            try decoder.verifyChecksums()
            return decoder.info
        }
    }
}
