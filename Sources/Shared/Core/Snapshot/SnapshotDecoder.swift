import Crypto
import GPLRZstd

/// Verifies and decodes the bytes of a snapshot (see ``SnapshotFormat``). Every check runs on untrusted data
/// and reports a ``SnapshotError`` naming the section; nothing here traps on bad input.
///
/// `@unchecked Sendable`: the decoder only reads `file`, which its creator keeps alive and unchanged while
/// the decoder is in use, so concurrent section tasks may share it.
struct SnapshotDecoder: @unchecked Sendable {
    let file: UnsafeRawBufferPointer
    let header: SnapshotHeader

    /// Parses and verifies the header (magic, version, content hash, section table, file length).
    init(file: UnsafeRawBufferPointer) throws {
        self.file = file
        header = try SnapshotHeader.parse(file)
    }

    var info: SnapshotInfo {
        SnapshotInfo(
            hash: header.contentHash, formatVersion: header.formatVersion, userCount: header.userCount,
            itemCount: header.itemCount, edgeCount: header.edgeCount, fileBytes: file.count,
            sections: header.sections.map {
                SnapshotInfo.SectionInfo(
                    name: $0.kind.name, offset: $0.offset, storedBytes: $0.storedLength, rawBytes: $0.rawLength,
                    checksum: ContentHash.hex($0.checksum))
            })
    }

    /// The stored bytes of `section` (in bounds: the header parser checked the layout against the file size).
    func stored(_ section: SnapshotHeader.Section) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: file[section.offset..<section.offset + section.storedLength])
    }

    func verifyChecksum(_ section: SnapshotHeader.Section) throws(SnapshotError) {
        guard Array(SHA256.hash(data: stored(section))) == section.checksum else {
            throw .corrupt(section.kind, "checksum mismatch")
        }
    }

    /// Verifies every section's checksum without decompressing anything.
    func verifyChecksums() throws {
        let failures = Snapshot.parallelMap(header.sections.count) { index -> SnapshotError? in
            do throws(SnapshotError) {
                try verifyChecksum(header.sections[index])
                return nil
            } catch {
                return error
            }
        }
        if let first = failures.compactMap({ $0 }).first { throw first }
    }

    /// Verifies everything and builds the graph.
    func decode() throws -> PurchaseGraph {
        // Largest sections first, so the two CSR directions start on different cores.
        let order = header.sections.indices.sorted { header.sections[$0].rawLength > header.sections[$1].rawLength }
        let results = Snapshot.parallelMap(order.count) { slot in
            Result { () throws(SnapshotError) -> DecodedSection in try decode(header.sections[order[slot]]) }
        }
        var decoded: [SnapshotFormat.SectionKind: DecodedSection] = [:]
        var failures: [(index: Int, error: SnapshotError)] = []
        for (slot, result) in results.enumerated() {
            switch result {
            case .success(let section): decoded[header.sections[order[slot]].kind] = section
            case .failure(let error): failures.append((order[slot], error))
            }
        }
        // Report the first damaged section in file order, whichever task finished first.
        if let first = failures.min(by: { $0.index < $1.index }) { throw first.error }
        guard case .strings(let userIDs) = decoded[.userIDs], case .strings(let itemIDs) = decoded[.itemIDs],
            case .strings(let itemNames) = decoded[.itemNames], case .rows(let userItems) = decoded[.userItems],
            case .counts(let counts) = decoded[.purchaseCounts], case .rows(let itemUsers) = decoded[.itemUsers]
        else {
            throw SnapshotError.corrupt(nil, "a section is missing")  // unreachable: the header has all kinds
        }
        if let problem = Self.transposeViolation(userItems, itemUsers) {
            throw SnapshotError.corrupt(.itemUsers, "not the transpose of user-items: \(problem)")
        }
        return PurchaseGraph(
            userIDs: userIDs, itemIDs: itemIDs, itemNames: itemNames, userItems: userItems, purchaseCounts: counts,
            itemUsers: itemUsers)
    }

    /// Verifies the `user-ids` section and decodes only it (the header was verified by `init`).
    func decodeUserIDs() throws(SnapshotError) -> [String] {
        guard let section = header.section(.userIDs), case .strings(let userIDs) = try decode(section) else {
            // Unreachable: the header parser requires every kind.
            throw SnapshotError.corrupt(nil, "the user-ids section is missing")
        }
        return userIDs
    }

    enum DecodedSection {
        case strings([String])
        case rows(CompressedSparseRows)
        case counts([UInt32])
    }

    /// Checksum, decompression and the section's own invariants.
    func decode(_ section: SnapshotHeader.Section) throws(SnapshotError) -> DecodedSection {
        try verifyChecksum(section)
        let raw: [UInt8]
        do {
            raw = try ZstdDecompressor().decompress(stored(section), expectedSize: section.rawLength)
        } catch {
            throw .corrupt(section.kind, "\(error)", underlying: error)
        }
        do {
            return try raw.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> DecodedSection in
                switch section.kind {
                case .userIDs: return .strings(try Self.strings(raw, count: header.userCount))
                case .itemIDs: return .strings(try Self.strings(raw, count: header.itemCount))
                case .itemNames: return .strings(try Self.strings(raw, count: header.itemCount))
                case .userItems:
                    return .rows(
                        try Self.rows(
                            raw, rowCount: header.userCount, columnCount: header.itemCount,
                            entryCount: header.edgeCount))
                case .itemUsers:
                    return .rows(
                        try Self.rows(
                            raw, rowCount: header.itemCount, columnCount: header.userCount,
                            entryCount: header.edgeCount))
                case .purchaseCounts: return .counts(try PurchaseCountColumn.decode(raw, count: header.edgeCount))
                }
            }
        } catch let error as IntegerColumn.ColumnError {
            throw .corrupt(section.kind, error.message)
        } catch {
            throw .corrupt(section.kind, "\(error)", underlying: error)
        }
    }
}
