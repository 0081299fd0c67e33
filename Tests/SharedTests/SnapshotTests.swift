import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct SnapshotRoundTripTests {
    @Test(arguments: 1...25 as ClosedRange<UInt64>)
    func randomGraphsRoundTripWithTheSameHash(seed: UInt64) throws {
        let graph = SnapshotTestGraphs.random(seed: seed)
        let encoded = try Snapshot.encode(graph)
        let decoded = try Snapshot.decode(encoded.bytes)
        #expect(decoded.graph == graph)
        #expect(decoded.hash == encoded.hash)
        // Deterministic: the same graph encodes to the same bytes and hash.
        let again = try Snapshot.encode(graph)
        #expect(again.bytes == encoded.bytes)
        #expect(again.hash == encoded.hash)
    }

    @Test func hashChangesWhenOneEdgeChanges() throws {
        let rows: [[UInt32]] = [[0, 2, 5], [1], [0, 3, 4, 5], [2]]
        let base = try Snapshot.encode(SnapshotTestGraphs.fromRows(rows, itemCount: 6)).hash
        var moved = rows
        moved[2][1] = 1  // one edge points to another item
        let movedHash = try Snapshot.encode(SnapshotTestGraphs.fromRows(moved, itemCount: 6)).hash
        var added = rows
        added[1].append(4)
        let addedHash = try Snapshot.encode(SnapshotTestGraphs.fromRows(added, itemCount: 6)).hash
        var counts = Array(repeating: UInt32(1), count: 9)
        counts[4] = 2
        let countHash = try Snapshot.encode(SnapshotTestGraphs.fromRows(rows, itemCount: 6, counts: counts)).hash
        #expect(Set([base, movedHash, addedHash, countHash]).count == 4)
    }

    @Test func awkwardShapesAndNamesRoundTrip() throws {
        var builder = GraphBuilder()
        builder.addPurchase(user: "only-one-item", item: "lonely")  // a user with one item, an item with one buyer
        builder.addPurchase(user: "ünïcødé 用户 🛒", item: "a,b", count: 7)
        builder.addPurchase(user: "line\nbreak", item: "a,b", count: UInt32.max)
        builder.addPurchase(user: "", item: "\"quoted\"\r\n")
        builder.setName("Crème brûlée, 2×\nfamily size 🍮", forItem: "a,b")
        builder.setName("", forItem: "lonely")
        let graph = try builder.build()
        let encoded = try Snapshot.encode(graph)
        #expect(try Snapshot.decode(encoded.bytes).graph == graph)
    }

    @Test func emptyGraphRoundTrips() throws {
        let graph = PurchaseGraph(
            userIDs: [], itemIDs: [], itemNames: [], userItems: CompressedSparseRows(emptyRows: 0), purchaseCounts: [])
        let encoded = try Snapshot.encode(graph)
        #expect(try Snapshot.decode(encoded.bytes).graph == graph)
    }

    @Test func wideIndicesRoundTrip() throws {
        // Item indices above 2^16 and user indices spread out need 3-byte columns.
        let itemCount = 70_000
        var rows = Array(repeating: [UInt32](), count: 300)
        rows[0] = [0, 69_999]
        rows[299] = [65_536, 12]
        let graph = SnapshotTestGraphs.fromRows(rows, itemCount: itemCount)
        let encoded = try Snapshot.encode(graph)
        #expect(try Snapshot.decode(encoded.bytes).graph == graph)
    }

    @Test func fileRoundTripIsAtomicAndInspectable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("graph.gplrsnap")
        let graph = SnapshotTestGraphs.random(seed: 99)
        let written = try Snapshot.write(graph, to: path)
        let second = try Snapshot.write(graph, to: path)  // replaces the file in place
        #expect(second == written)
        let (read, info) = try Snapshot.read(from: path)
        #expect(read == graph)
        #expect(info == written)
        #expect(try Snapshot.inspect(path: path) == written)
        #expect(info.hash == (try Snapshot.encode(graph)).hash)
        #expect(info.userCount == graph.userCount && info.itemCount == graph.itemCount)
        #expect(info.edgeCount == graph.edgeCount)
        #expect(
            info.sections.map(\.name) == [
                "user-ids", "item-ids", "item-names", "user-items", "purchase-counts", "item-users",
            ])
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(info.fileBytes == size)
        // Only the snapshot is left: the temporary files were renamed away.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["graph.gplrsnap"])
    }

    @Test func invalidCompressionLevelIsAnError() throws {
        let error = try #require(throws: SnapshotError.self) {
            try Snapshot.encode(SnapshotTestGraphs.random(seed: 5), compressionLevel: 1_000)
        }
        #expect(error.code == .compression)
    }

    @Test func missingFileIsAnIOErrorWithThePath() throws {
        let error = try #require(throws: SnapshotError.self) { try Snapshot.read(from: "/nonexistent/x.gplrsnap") }
        #expect(error.code == .io)
        #expect(error.description.hasPrefix("/nonexistent/x.gplrsnap: "))
    }
}

@Suite(.timeLimit(.minutes(5))) struct ContentHashTests {
    @Test func hexRoundTripsAndRejectsGarbage() throws {
        let hash = try Snapshot.encode(SnapshotTestGraphs.random(seed: 3)).hash
        #expect(hash.description.count == 64)
        #expect(ContentHash(hex: hash.description) == hash)
        #expect(ContentHash(hex: hash.description.uppercased()) == hash)
        #expect(ContentHash(hex: String(hash.description.dropLast())) == nil)
        #expect(ContentHash(hex: String(repeating: "g", count: 64)) == nil)
        let json = try JSONEncoder().encode([hash])
        #expect(try JSONDecoder().decode([ContentHash].self, from: json) == [hash])
    }
}
