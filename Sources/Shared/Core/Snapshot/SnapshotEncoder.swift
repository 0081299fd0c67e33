import Crypto
import GPLRZstd

/// Builds the bytes of a snapshot from a graph (see ``SnapshotFormat``).
struct SnapshotEncoder {
    let graph: PurchaseGraph
    let compressionLevel: Int

    func encode() throws -> (bytes: [UInt8], hash: ContentHash) {
        guard UInt64(graph.userCount) <= SnapshotFormat.maxNodeCount,
            UInt64(graph.itemCount) <= SnapshotFormat.maxNodeCount
        else {
            throw SnapshotError(
                code: .tooLarge, message: "\(graph.userCount) users or \(graph.itemCount) items exceed 2^32")
        }
        let kinds = SnapshotFormat.SectionKind.allCases
        // Sections are independent: build and compress them concurrently, each with its own single-threaded
        // context, so the bytes do not depend on the thread count.
        let results = Snapshot.parallelMap(kinds.count) { index in
            Result { () throws -> (stored: [UInt8], rawLength: Int, checksum: [UInt8]) in
                let raw = try payload(kinds[index])
                let stored: [UInt8]
                do {
                    stored = try ZstdCompressor(level: compressionLevel).compress(raw)
                } catch {
                    throw SnapshotError(
                        code: .compression, section: kinds[index].name, message: "\(error)",
                        underlying: error)
                }
                return (stored, raw.count, Self.checksum(stored))
            }
        }
        var sections: [(stored: [UInt8], rawLength: Int, checksum: [UInt8])] = []
        for result in results { sections.append(try result.get()) }
        let header = SnapshotHeader.serialize(
            userCount: graph.userCount, itemCount: graph.itemCount, edgeCount: graph.edgeCount,
            sections: zip(kinds, sections).map {
                (kind: $0, storedLength: $1.stored.count, rawLength: $1.rawLength, checksum: $1.checksum)
            })
        var bytes = header.bytes
        bytes.reserveCapacity(header.bytes.count + sections.reduce(0) { $0 + $1.stored.count })
        for section in sections { bytes.append(contentsOf: section.stored) }
        return (bytes, header.hash)
    }

    /// SHA-256 of a section's stored bytes.
    static func checksum(_ stored: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: stored)) }

    /// The raw (uncompressed) payload of one section.
    func payload(_ kind: SnapshotFormat.SectionKind) throws -> [UInt8] {
        switch kind {
        case .userIDs: return try Self.strings(graph.userIDs, kind: kind)
        case .itemIDs: return try Self.strings(graph.itemIDs, kind: kind)
        case .itemNames: return try Self.strings(graph.itemNames, kind: kind)
        case .userItems: return try Self.rows(graph.userItems, kind: kind)
        case .purchaseCounts: return PurchaseCountColumn.encode(graph.purchaseCounts)
        case .itemUsers: return try Self.rows(graph.itemUsers, kind: kind)
        }
    }

    /// column(UTF-8 byte lengths) ++ the strings' bytes back to back.
    static func strings(_ strings: [String], kind: SnapshotFormat.SectionKind) throws -> [UInt8] {
        var lengths: [UInt32] = []
        lengths.reserveCapacity(strings.count)
        var total = 0
        for string in strings {
            let length = string.utf8.count
            guard let narrow = UInt32(exactly: length) else {
                throw SnapshotError(code: .tooLarge, section: kind.name, message: "a string of \(length) bytes")
            }
            lengths.append(narrow)
            total += length
        }
        var out: [UInt8] = []
        out.reserveCapacity(IntegerColumn.size(count: strings.count, width: 4) + total)
        IntegerColumn.append(lengths, to: &out)
        for string in strings { out.append(contentsOf: string.utf8) }
        return out
    }

    /// column(degrees) ++ column(deltas): per row the first target, then the gaps between sorted targets.
    static func rows(_ matrix: CompressedSparseRows, kind: SnapshotFormat.SectionKind) throws -> [UInt8] {
        let rowCount = matrix.rowCount
        var degrees = [UInt32](repeating: 0, count: rowCount)
        var deltas = [UInt32](repeating: 0, count: matrix.entryCount)
        var tooLarge = false
        matrix.offsets.withUnsafeBufferPointer { offsets in
            matrix.targets.withUnsafeBufferPointer { targets in
                deltas.withUnsafeMutableBufferPointer { deltas in
                    for row in 0..<rowCount {
                        let lo = offsets[row]
                        let hi = offsets[row + 1]
                        guard let degree = UInt32(exactly: hi - lo) else {
                            tooLarge = true
                            return
                        }
                        degrees[row] = degree
                        var previous: UInt32 = 0
                        for e in lo..<hi {
                            deltas[e] = targets[e] &- previous
                            previous = targets[e]
                        }
                    }
                }
            }
        }
        if tooLarge {
            throw SnapshotError(code: .tooLarge, section: kind.name, message: "a row of 2^32 or more entries")
        }
        var out: [UInt8] = []
        out.reserveCapacity(2 + 4 * (rowCount + matrix.entryCount))
        IntegerColumn.append(degrees, to: &out)
        IntegerColumn.append(deltas, to: &out)
        return out
    }
}
