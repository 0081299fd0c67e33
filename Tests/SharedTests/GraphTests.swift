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

    /// The row sort of `build()` against the standard library's on random keys of every shape its branches take:
    /// short rows (insertion sort), long ones (quicksort), few distinct keys (runs of equal keys), already sorted
    /// and reversed input, and a depth limit of 0 (heapsort).
    @Test func inPlaceSortSortsLikeTheStandardLibrary() {
        var random = SeededGenerator(seed: 7)
        for count in [0, 1, 2, 3, 23, 24, 25, 26, 100, 1000, 5000] {
            for shape in 0..<4 {
                var keys = (0..<count).map { _ in
                    shape == 1
                        ? UInt64.random(in: 0..<4, using: &random) : UInt64.random(in: .min ... .max, using: &random)
                }
                if shape == 2 { keys.sort() }
                if shape == 3 { keys.sort(by: >) }
                let expected = keys.sorted()
                var sorted = keys
                sorted.withUnsafeMutableBufferPointer { InPlaceSort.sort($0) }
                #expect(sorted == expected, "\(count) keys, shape \(shape)")
                var heap = keys
                heap.withUnsafeMutableBufferPointer { InPlaceSort.sort($0, depth: 0) }
                #expect(heap == expected, "\(count) keys, shape \(shape), heapsort")
            }
        }
    }

    /// Rows grouped by user skip the counting sort; shuffled, the same purchases give the same graph, and a
    /// reservation (too small, right or far too large) changes nothing but capacity.
    @Test func groupedAndShuffledRowsBuildTheSameGraph() throws {
        var random = SeededGenerator(seed: 11)
        var rows: [(user: String, item: String, count: UInt32)] = []
        for user in 0..<60 {
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                rows.append(
                    ("u\(user)", "i\(Int.random(in: 0..<25, using: &random))", UInt32.random(in: 1...3, using: &random))
                )
            }
        }
        func build(_ rows: [(user: String, item: String, count: UInt32)], reserve: Int) throws -> PurchaseGraph {
            var builder = GraphBuilder()
            builder.reserve(purchaseRows: reserve)
            for row in rows { builder.addPurchase(user: row.user, item: row.item, count: row.count) }
            return try builder.build()
        }
        let grouped = try build(rows, reserve: 0)
        #expect(grouped.userCount == 60 && grouped.purchaseCounts.reduce(0, +) == rows.reduce(0) { $0 + $1.count })
        // Users appear in another order when shuffled, so compare by id: each user's items and counts.
        func purchases(_ graph: PurchaseGraph) -> [String: [String: UInt32]] {
            Dictionary(
                uniqueKeysWithValues: (0..<graph.userCount).map { user in
                    (
                        graph.userIDs[user],
                        Dictionary(
                            uniqueKeysWithValues: graph.purchases(ofUser: user).map {
                                (graph.itemIDs[$0.item], $0.count)
                            })
                    )
                })
        }
        let expected = purchases(grouped)
        for (shuffle, reserve) in [(true, 0), (true, 10), (false, rows.count), (true, 100_000)] {
            var order = rows
            if shuffle { order.shuffle(using: &random) }
            let graph = try build(order, reserve: reserve)
            #expect(purchases(graph) == expected, "shuffled \(shuffle), reserved \(reserve)")
            #expect(graph.edgeCount == grouped.edgeCount && graph.userItems.targets.count == graph.edgeCount)
            #expect(graph.itemUsers.transposed(columnCount: graph.userCount) == graph.userItems)
        }
        #expect(try build(rows, reserve: 500) == grouped, "grouped rows: the same graph, bit for bit")
    }

    /// The transpose's row ranges scatter side by side: every thread count gives the pairs of a plain walk, each
    /// column's rows ascending, with empty rows and empty columns at both ends and inside.
    @Test func theTransposeIsThePairsOfAPlainWalkWhateverTheThreads() throws {
        var random = SamplingRandom(seed: 21)
        let rowCount = 3000, columnCount = 700
        var offsets = [0], targets: [UInt32] = []
        for row in 0..<rowCount {
            if row > 5 && row < rowCount - 5 && random.nextUnit() < 0.9 {
                // Skewed columns, the last few never used.
                let columns = Set(
                    (0..<Int(random.nextUnit() * 40)).map { _ in
                        Int(random.nextUnit() * random.nextUnit() * Double(columnCount - 3)) + 1
                    })
                targets += columns.sorted().map { UInt32($0) }
            }
            offsets.append(targets.count)
        }
        let rows = CompressedSparseRows(offsets: offsets, targets: targets)
        var expected = [[UInt32]](repeating: [], count: columnCount)
        for row in 0..<rowCount { for column in rows.row(row) { expected[Int(column)].append(UInt32(row)) } }
        for threads in [1, 2, 3, 8] {
            let transposed = rows.transposed(columnCount: columnCount, threads: threads)
            #expect((0..<columnCount).map { Array(transposed.row($0)) } == expected, "threads \(threads)")
            #expect(transposed.offsets.count == columnCount + 1 && transposed.entryCount == targets.count)
        }
        #expect(expected[0].isEmpty && expected[columnCount - 1].isEmpty)
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
