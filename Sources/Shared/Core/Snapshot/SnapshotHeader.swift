import Crypto

/// The parsed, verified header of a snapshot (see ``SnapshotFormat``).
struct SnapshotHeader: Sendable {
    struct Section: Sendable {
        let kind: SnapshotFormat.SectionKind
        let offset: Int
        let storedLength: Int
        let rawLength: Int
        let checksum: [UInt8]
    }

    let formatVersion: UInt16
    let userCount: Int
    let itemCount: Int
    let edgeCount: Int
    /// In file order, exactly one per kind.
    let sections: [Section]
    let contentHash: ContentHash

    var headerSize: Int { SnapshotFormat.headerSize(sectionCount: sections.count) }

    func section(_ kind: SnapshotFormat.SectionKind) -> Section? { sections.first { $0.kind == kind } }
}

extension SnapshotHeader {
    /// Serialises a header for sections laid out back to back after it; returns the bytes and the content hash.
    static func serialize(
        userCount: Int, itemCount: Int, edgeCount: Int,
        sections: [(kind: SnapshotFormat.SectionKind, storedLength: Int, rawLength: Int, checksum: [UInt8])]
    ) -> (bytes: [UInt8], hash: ContentHash) {
        var writer = LittleEndianWriter()
        writer.append(contentsOf: SnapshotFormat.magic)
        writer.append(Snapshot.formatVersion)
        writer.append(UInt16(0))  // flags
        writer.append(UInt16(sections.count))
        writer.append(UInt16(0))  // reserved
        writer.append(UInt64(userCount))
        writer.append(UInt64(itemCount))
        writer.append(UInt64(edgeCount))
        var offset = SnapshotFormat.headerSize(sectionCount: sections.count)
        for section in sections {
            writer.append(section.kind.rawValue)
            writer.append(SnapshotFormat.zstdCodec)
            writer.append(UInt32(0))  // reserved
            writer.append(UInt64(offset))
            writer.append(UInt64(section.storedLength))
            writer.append(UInt64(section.rawLength))
            writer.append(contentsOf: section.checksum)
            offset += section.storedLength
        }
        let digest = Array(SHA256.hash(data: writer.bytes))
        writer.append(contentsOf: digest)
        return (writer.bytes, ContentHash(digest: digest))
    }

    /// Parses and verifies the header of `file` (the whole snapshot): magic, version, content hash, the
    /// section table's kinds, codecs and layout, and that the file is exactly as long as the table says.
    static func parse(_ file: UnsafeRawBufferPointer) throws(SnapshotError) -> SnapshotHeader {
        let magic = SnapshotFormat.magic
        let magicPrefix = min(file.count, magic.count)
        guard file.prefix(magicPrefix).elementsEqual(magic.prefix(magicPrefix)) else {
            throw SnapshotError(code: .notASnapshot, message: "the file does not start with \"GPLRSNAP\"")
        }
        var reader = LittleEndianReader(file, at: magic.count)
        guard let version = reader.read(UInt16.self) else {
            throw .truncated(nil, "file ends after \(file.count) bytes, before the format version")
        }
        guard version <= Snapshot.formatVersion else {
            throw SnapshotError(
                code: .unsupportedVersion,
                message: "snapshot format version \(version) is newer than this build supports "
                    + "(\(Snapshot.formatVersion)); upgrade gplr")
        }
        guard version >= 1 else {
            throw SnapshotError(code: .unsupportedVersion, message: "snapshot format version 0 is not valid")
        }
        guard let flags = reader.read(UInt16.self), let sectionCount = reader.read(UInt16.self),
            let reserved = reader.read(UInt16.self), let users = reader.read(UInt64.self),
            let items = reader.read(UInt64.self), let edges = reader.read(UInt64.self)
        else {
            throw .truncated(nil, "file ends after \(file.count) bytes, inside the fixed header")
        }
        guard sectionCount == SnapshotFormat.SectionKind.allCases.count else {
            throw .corrupt(
                nil,
                "\(sectionCount) sections, format version \(version) has \(SnapshotFormat.SectionKind.allCases.count)")
        }
        let headerSize = SnapshotFormat.headerSize(sectionCount: Int(sectionCount))
        guard file.count >= headerSize else {
            throw .truncated(
                nil, "file ends after \(file.count) bytes, the header with \(sectionCount) sections needs \(headerSize)"
            )
        }
        let digestStart = headerSize - SnapshotFormat.digestSize
        let computed = Array(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: file[0..<digestStart])))
        let stored = Array(file[digestStart..<headerSize])
        guard computed == stored else { throw .corrupt(nil, "content hash mismatch") }
        guard flags == 0, reserved == 0 else {
            throw .corrupt(nil, "unknown flags 0x\(String(flags, radix: 16)) or reserved bits set")
        }
        guard users <= SnapshotFormat.maxNodeCount, items <= SnapshotFormat.maxNodeCount,
            edges <= UInt64(Int.max / 16)
        else {
            throw .corrupt(nil, "implausible counts: \(users) users, \(items) items, \(edges) edges")
        }

        var sections: [Section] = []
        var seen = Set<SnapshotFormat.SectionKind>()
        var expectedOffset = headerSize
        for index in 0..<Int(sectionCount) {
            guard let rawKind = reader.read(UInt16.self), let codec = reader.read(UInt16.self),
                let entryReserved = reader.read(UInt32.self), let offset = reader.read(UInt64.self),
                let storedLength = reader.read(UInt64.self), let rawLength = reader.read(UInt64.self),
                let checksum = reader.read(count: SnapshotFormat.digestSize)
            else {
                throw .truncated(nil, "section table entry \(index) is cut off")  // unreachable: size checked above
            }
            guard let kind = SnapshotFormat.SectionKind(rawValue: rawKind) else {
                throw .corrupt(nil, "section table entry \(index) has unknown kind \(rawKind)")
            }
            guard seen.insert(kind).inserted else { throw .corrupt(kind, "appears twice in the section table") }
            guard codec == SnapshotFormat.zstdCodec, entryReserved == 0 else {
                throw .corrupt(kind, "unknown codec \(codec)")
            }
            guard offset == UInt64(expectedOffset) else {
                throw .corrupt(kind, "starts at byte \(offset), expected \(expectedOffset)")
            }
            guard storedLength <= UInt64(Int.max / 2) - UInt64(expectedOffset),
                rawLength / UInt64(SnapshotFormat.maxCompressionRatio) <= storedLength
            else {
                throw .corrupt(kind, "implausible lengths: \(storedLength) stored, \(rawLength) raw bytes")
            }
            let end = expectedOffset + Int(storedLength)
            guard end <= file.count else {
                throw .truncated(
                    kind, "file ends at byte \(file.count), the section spans bytes \(expectedOffset)..<\(end)")
            }
            sections.append(
                Section(
                    kind: kind, offset: expectedOffset, storedLength: Int(storedLength), rawLength: Int(rawLength),
                    checksum: checksum))
            expectedOffset = end
        }
        for kind in SnapshotFormat.SectionKind.allCases where !seen.contains(kind) {
            throw .corrupt(kind, "missing from the section table")
        }
        guard expectedOffset == file.count else {
            throw SnapshotError(
                code: .trailingData, message: "\(file.count - expectedOffset) bytes follow the last section")
        }
        return SnapshotHeader(
            formatVersion: version, userCount: Int(users), itemCount: Int(items), edgeCount: Int(edges),
            sections: sections, contentHash: ContentHash(digest: stored))
    }
}
