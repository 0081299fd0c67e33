/// What a snapshot file holds, read from its verified header: what `gplr inspect` prints and what workers
/// compare before they trust a cached copy.
public struct SnapshotInfo: Sendable, Equatable {
    /// One entry of the section table.
    public struct SectionInfo: Sendable, Equatable {
        /// `user-ids`, `item-ids`, `item-names`, `user-items`, `purchase-counts` or `item-users`.
        public let name: String
        /// Where the section's stored (compressed) bytes start in the file.
        public let offset: Int
        /// Stored (compressed) size in bytes.
        public let storedBytes: Int
        /// Size after decompression.
        public let rawBytes: Int
        /// SHA-256 of the stored bytes, lowercase hex.
        public let checksum: String
    }

    /// The snapshot's identity.
    public let hash: ContentHash
    public let formatVersion: UInt16
    public let userCount: Int
    public let itemCount: Int
    public let edgeCount: Int
    /// Size of the whole file (or byte buffer).
    public let fileBytes: Int
    public let sections: [SectionInfo]

    /// File size per edge, the format's efficiency figure.
    public var bytesPerEdge: Double { edgeCount == 0 ? 0 : Double(fileBytes) / Double(edgeCount) }
}
