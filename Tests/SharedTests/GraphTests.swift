import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct GraphBuilderTests {
    @Test func mergesDuplicatePurchasesAndSortsRows() throws {
        var builder = GraphBuilder()
        builder.addPurchase(user: "u1", item: "b", count: 2)
        builder.addPurchase(user: "u1", item: "a")
        builder.addPurchase(user: "u2", item: "b")
        builder.addPurchase(user: "u1", item: "b", count: 3)
        builder.setName("Bananas", forItem: "b")
        let graph = try builder.build()
        #expect(graph.userIDs == ["u1", "u2"])
        #expect(graph.itemIDs == ["b", "a"])
        #expect(graph.itemNames == ["Bananas", "a"])
        #expect(graph.edgeCount == 3)
        // u1 bought item 0 ("b") 5 times and item 1 ("a") once.
        #expect(Array(graph.userItems.row(0)) == [0, 1])
        #expect(graph.purchaseCounts[0] == 5 && graph.purchaseCounts[1] == 1)
        #expect(Array(graph.itemUsers.row(0)) == [0, 1])
        #expect(Array(graph.itemUsers.row(1)) == [0])
        #expect(graph.purchases(ofUser: 0).map(\.item) == [0, 1])
    }

    @Test func transposeTwiceIsIdentity() throws {
        var generator = SystemRandomNumberGenerator()
        var builder = GraphBuilder()
        for _ in 0..<500 {
            builder.addPurchase(
                user: "u\(Int.random(in: 0 ..< 40, using: &generator))",
                item: "i\(Int.random(in: 0 ..< 30, using: &generator))")
        }
        let graph = try builder.build()
        let back = graph.itemUsers.transposed(columnCount: graph.userCount)
        #expect(back == graph.userItems)
        #expect(
            CompressedSparseRows.invariantViolation(
                offsets: graph.itemUsers.offsets, targets: graph.itemUsers.targets, columnCount: graph.userCount) == nil
        )
    }
}
