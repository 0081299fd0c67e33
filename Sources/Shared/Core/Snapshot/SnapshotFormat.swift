/// # The `.gplrsnap` snapshot format, version 1
///
/// One file holds a whole ``PurchaseGraph``. All integers are little-endian.
///
/// **Header** (40 + 64·n + 32 bytes, n = section count):
/// ```
///  0  magic "GPLRSNAP" (8)     8  format version u16    10  flags u16 (0)
/// 12  section count u16       14  reserved u16 (0)
/// 16  user count u64          24  item count u64       32  edge count u64
/// 40  section table, n × 64 bytes:
///       kind u16, codec u16 (1 = zstd), reserved u32, offset u64, stored length u64,
///       raw (uncompressed) length u64, SHA-256 of the stored bytes (32)
///     content hash (32) = SHA-256 of every header byte before it
/// ```
/// The format version sits right after the magic and is read first, so a build refuses a newer file with a
/// clear message before it tries to understand the rest. The content hash covers the counts, the section
/// table and thus every section's checksum: it is the snapshot's identity (workers cache by it), and any
/// flipped header byte shows up as a mismatch. It identifies the exact bytes: the same graph written by the
/// same libzstd at the same level gives the same hash (sections are compressed single-threaded, each by its
/// own context, so the output does not depend on how many threads ran).
///
/// **Sections**, stored back to back right after the header in table order, the last one ending the file;
/// each is one zstd frame of a raw payload made of *integer columns*:
/// ```
/// user-ids, item-ids, item-names   column(byte lengths) ++ UTF-8 blob          (one string per user/item)
/// user-items                       column(degrees) ++ column(row deltas)       (users × items CSR)
/// purchase-counts                  2-bit codes, 4 per byte ++ column(escapes)  (parallel to user-items)
/// item-users                       column(degrees) ++ column(row deltas)       (items × users CSR)
/// ```
/// An integer column of `count` values (count known from the header) is one width byte `w` in 1...4 (the
/// fewest bytes that hold the largest value) followed by `w` *byte planes* of `count` bytes each: plane `k`
/// holds byte `k` of every value. CSR rows are stored as degrees (so offsets are monotone by construction)
/// and each row's sorted targets as deltas: the first target itself, then the gaps to the previous one.
/// Planes keep the near-constant high bytes of small numbers together, so zstd's entropy coder sees each
/// byte position's own distribution; decoding is branch-free, unlike varints. Purchase counts (mostly 1–3)
/// are 2-bit codes (count − 1, or 3 = escape) packed four per byte, lowest bits first, followed by a column
/// of the escaped counts in edge order (see ``PurchaseCountColumn``).
///
/// Any change to this layout (a new section kind, codec or column encoding) bumps the format version; a
/// reader refuses unknown kinds, codecs, flags and non-zero reserved fields rather than guessing.
///
/// **Reading verifies everything** before a graph exists: magic, version, the header's content hash,
/// section kinds, codecs and bounds (a truncated file names the section it cuts into), each section's
/// checksum, decompressed sizes against the header's counts, UTF-8 validity, CSR invariants, counts ≥ 1,
/// and that item-users is exactly the transpose of user-items.
enum SnapshotFormat {
    static let magic: [UInt8] = Array("GPLRSNAP".utf8)
    static let fixedHeaderSize = 40
    static let sectionEntrySize = 64
    static let digestSize = 32
    /// The only codec of version 1.
    static let zstdCodec: UInt16 = 1
    /// zstd cannot expand data by more than this factor (a 128 KiB RLE block costs 4 bytes), so a header
    /// claiming more is refused before anything is allocated.
    static let maxCompressionRatio = 32_768
    /// Users and items are indexed by `UInt32`.
    static let maxNodeCount: UInt64 = UInt64(UInt32.max) + 1

    /// Size of the header of a file with `sectionCount` sections, content hash included.
    static func headerSize(sectionCount: Int) -> Int {
        fixedHeaderSize + sectionEntrySize * sectionCount + digestSize
    }

    /// The sections of version 1, in the order they are written.
    enum SectionKind: UInt16, CaseIterable, Sendable {
        case userIDs = 1
        case itemIDs = 2
        case itemNames = 3
        case userItems = 4
        case purchaseCounts = 5
        case itemUsers = 6

        /// The name errors and ``SnapshotInfo`` use.
        var name: String {
            switch self {
            case .userIDs: "user-ids"
            case .itemIDs: "item-ids"
            case .itemNames: "item-names"
            case .userItems: "user-items"
            case .purchaseCounts: "purchase-counts"
            case .itemUsers: "item-users"
            }
        }
    }
}
