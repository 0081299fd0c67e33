import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct SnapshotCorruptionTests {
    static let graph = SnapshotTestGraphs.random(seed: 7, maxUsers: 40, maxItems: 30, maxPurchases: 200)

    @Test func flippedByteInEachSectionNamesThatSection() throws {
        let bytes = try Snapshot.encode(Self.graph).bytes
        let info = try Snapshot.inspect(bytes)
        #expect(info.sections.count == 6)
        for section in info.sections {
            for position in [
                section.offset, section.offset + section.storedBytes / 2, section.offset + section.storedBytes - 1,
            ] {
                var damaged = bytes
                damaged[position] ^= 0x20
                let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(damaged) }
                #expect(error.section == section.name)
                #expect(error.code == .corrupt)
                #expect(error.description == "snapshot section \"\(section.name)\" is corrupt: checksum mismatch")
                let inspected = try #require(throws: SnapshotError.self) { try Snapshot.inspect(damaged) }
                #expect(inspected.section == section.name)
            }
        }
    }

    @Test func theUserIDsAloneAreVerifiedAndOnlyThey() throws {
        let (bytes, hash) = try Snapshot.encode(Self.graph)
        let decoded = try Snapshot.decodeUserIDs(bytes)
        #expect(decoded.userIDs == Self.graph.userIDs && decoded.hash == hash)
        let info = try Snapshot.inspect(bytes)
        for section in info.sections {
            var damaged = bytes
            damaged[section.offset + section.storedBytes / 2] ^= 0x20
            if section.name == "user-ids" {
                let error = try #require(throws: SnapshotError.self) { try Snapshot.decodeUserIDs(damaged) }
                #expect(error.section == "user-ids" && error.code == .corrupt)
            } else {
                // Not read, so not verified: the ids are still the graph's (the header's hash covers their checksum).
                #expect(try Snapshot.decodeUserIDs(damaged).userIDs == Self.graph.userIDs)
            }
        }
        var header = bytes
        header[12] ^= 0x01
        #expect(throws: SnapshotError.self) { try Snapshot.decodeUserIDs(header) }
    }

    @Test func flippedHeaderByteIsAnError() throws {
        let bytes = try Snapshot.encode(Self.graph).bytes
        let headerSize = SnapshotFormat.headerSize(sectionCount: 6)
        for position in 0..<headerSize {
            var damaged = bytes
            damaged[position] ^= 0x01
            let error = try #require(throws: SnapshotError.self, "byte \(position)") { try Snapshot.decode(damaged) }
            #expect(error.section == nil, "byte \(position): \(error)")
            switch position {
            case 0..<8: #expect(error.code == .notASnapshot)
            case 8..<10: #expect(error.code == .unsupportedVersion)
            case 12..<14: #expect(error.code == .corrupt)  // the section count
            default: #expect(error.description == "snapshot header is corrupt: content hash mismatch")
            }
        }
    }

    @Test func truncationAtAnyOffsetNamesWhereItCut() throws {
        let bytes = try Snapshot.encode(Self.graph).bytes
        let info = try Snapshot.inspect(bytes)
        for cut in 0..<bytes.count {
            let error = try #require(throws: SnapshotError.self, "cut at \(cut)") {
                try Snapshot.decode(Array(bytes[..<cut]))
            }
            let expected = info.sections.first { $0.offset <= cut && cut < $0.offset + $0.storedBytes }?.name
            #expect(error.section == expected, "cut at \(cut): \(error)")
            #expect(error.code == .truncated, "cut at \(cut): \(error)")
        }
    }

    @Test func trailingBytesAreRefused() throws {
        let bytes = try Snapshot.encode(Self.graph).bytes
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes + [0]) }
        #expect(error.code == .trailingData)
    }

    @Test func notASnapshotIsRefused() throws {
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(Array("user,item\n1,2\n".utf8)) }
        #expect(error.code == .notASnapshot)
    }

    @Test func newerVersionIsRefusedWithAClearMessage() throws {
        var bytes = try Snapshot.encode(Self.graph).bytes
        bytes[8] = 2
        bytes[9] = 0
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.code == .unsupportedVersion)
        #expect(error.description == "snapshot format version 2 is newer than this build supports (1); upgrade gplr")
    }

    // Damage that every checksum agrees with (a buggy or hostile writer): only the deeper checks can catch it.

    @Test func itemUsersThatIsNotTheTransposeIsRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        // A valid CSR with the right degrees (item 0: 1 buyer, item 1: 2 buyers), but item 0 lists user 1.
        let wrong = SnapshotTestGraphs.fromRows([[1], [0, 1]], itemCount: 2)
        let payload = try SnapshotEncoder.rows(wrong.userItems, kind: .itemUsers)
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .itemUsers, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "item-users")
        #expect(error.message.contains("transpose"))
    }

    /// The streamed check (keyed sums of the pairs) must agree with the exact walk: on true transposes, and on
    /// item-users rows with one buyer swapped for a non-buyer (same degrees, still valid CSRs, so only the
    /// transpose check can tell).
    @Test func theStreamedTransposeCheckAgreesWithTheExactWalk() throws {
        var random = SeededGenerator(seed: 21)
        var damagedGraphs = 0
        for _ in 0..<20 {
            let users = Int.random(in: 2...60, using: &random), items = Int.random(in: 2...40, using: &random)
            let rows = (0..<users).map { _ in
                (0..<items).filter { _ in random.nextUnitDouble() < 0.2 }.map(UInt32.init)
            }
            let userItems = SnapshotTestGraphs.fromRows(rows, itemCount: items).userItems
            let itemUsers = userItems.transposed(columnCount: items)
            #expect(SnapshotDecoder.transposeViolation(userItems, itemUsers) == nil)
            #expect(SnapshotDecoder.exactTransposeViolation(userItems, itemUsers) == nil)

            // Swap one buyer of some item for a user who did not buy it.
            guard let item = (0..<items).first(where: { itemUsers.offsets[$0 + 1] - itemUsers.offsets[$0] < users }),
                itemUsers.offsets[item + 1] > itemUsers.offsets[item]
            else { continue }
            var buyers = Set(itemUsers.targets[itemUsers.offsets[item]..<itemUsers.offsets[item + 1]])
            let outsider = UInt32((0..<users).first { !buyers.contains(UInt32($0)) }!)
            buyers.remove(buyers.min()!)
            buyers.insert(outsider)
            var targets = itemUsers.targets
            targets.replaceSubrange(itemUsers.offsets[item]..<itemUsers.offsets[item + 1], with: buyers.sorted())
            let damaged = CompressedSparseRows(offsets: itemUsers.offsets, targets: targets)
            #expect(SnapshotDecoder.exactTransposeViolation(userItems, damaged) != nil)
            #expect(SnapshotDecoder.transposeViolation(userItems, damaged) != nil)
            damagedGraphs += 1
        }
        #expect(damagedGraphs >= 15)
    }

    @Test func zeroPurchaseCountIsRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = [0b0011_1100]  // codes: count 1, escape, escape
        IntegerColumn.append([9, 0], to: &payload)  // the second escape is a 0
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .purchaseCounts, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "purchase-counts")
    }

    @Test func escapedCountsThatDoNotMatchTheCodesAreRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        for escapes: [UInt32] in [[9], [9, 9, 9]] {  // the codes announce two escapes
            var payload: [UInt8] = [0b0011_1100]
            IntegerColumn.append(escapes, to: &payload)
            let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .purchaseCounts, with: payload)
            let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
            #expect(error.section == "purchase-counts")
        }
    }

    @Test func countPaddingBitsMustBeZero() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = [0b0100_0000]  // three counts of 1, then a stray code in the padding
        IntegerColumn.append([], to: &payload)
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .purchaseCounts, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "purchase-counts")
        #expect(error.message.contains("padding"))
    }

    @Test func unsortedRowIsRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = []
        IntegerColumn.append([2, 1], to: &payload)  // degrees
        IntegerColumn.append([1, UInt32.max, 1], to: &payload)  // row 0 = 1, then 1 + (2^32 - 1) wraps to 0
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .userItems, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "user-items")
        #expect(error.message.contains("ascending"))
    }

    @Test func degreesThatDisagreeWithTheEdgeCountAreRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = []
        IntegerColumn.append([2, 2], to: &payload)
        IntegerColumn.append([0, 1, 1], to: &payload)
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .userItems, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "user-items")
    }

    @Test func columnOutOfRangeIsRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = []
        IntegerColumn.append([1, 2], to: &payload)
        IntegerColumn.append([0, 0, 2], to: &payload)  // item-users row 1 ends at user 2 of 2
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .itemUsers, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "item-users")
    }

    @Test func invalidUTF8NameIsRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = []
        IntegerColumn.append([1, 2], to: &payload)
        payload += [0x41, 0xC3, 0x28]  // "A", then a broken two-byte sequence
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .itemNames, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "item-names")
        #expect(error.message.contains("UTF-8"))
    }

    @Test func stringLengthsThatDoNotCoverThePayloadAreRefused() throws {
        let graph = SnapshotTestGraphs.fromRows([[0, 1], [1]], itemCount: 2)
        var payload: [UInt8] = []
        IntegerColumn.append([1, 1], to: &payload)
        payload += Array("u0u1".utf8)
        let bytes = try SnapshotTestGraphs.assemble(graph: graph, replacing: .userIDs, with: payload)
        let error = try #require(throws: SnapshotError.self) { try Snapshot.decode(bytes) }
        #expect(error.section == "user-ids")
    }
}
