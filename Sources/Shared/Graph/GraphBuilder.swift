/// Accumulates purchases keyed by external ids and builds a ``PurchaseGraph``.
///
/// Users and items are numbered in order of first appearance, so the same input gives the same graph.
/// Repeated (user, item) purchases are merged into one edge whose count is the sum.
public struct GraphBuilder: Sendable {
    private var userIndex: [String: UInt32] = [:]
    private var itemIndex: [String: UInt32] = [:]
    private var userIDs: [String] = []
    private var itemIDs: [String] = []
    private var names: [String: String] = [:]
    private var edgeUsers: [UInt32] = []
    private var edgeItems: [UInt32] = []
    private var edgeCounts: [UInt32] = []

    public init() {}

    /// Number of purchase rows added so far (before merging duplicates).
    public var purchaseRowCount: Int { edgeUsers.count }

    /// Records that `user` bought `item` `count` times.
    public mutating func addPurchase(user: String, item: String, count: UInt32 = 1) {
        let u = intern(user, in: &userIndex, ids: &userIDs)
        let v = intern(item, in: &itemIndex, ids: &itemIDs)
        edgeUsers.append(u)
        edgeItems.append(v)
        edgeCounts.append(count)
    }

    /// Records a display name for an item; items without one are named by their external id.
    public mutating func setName(_ name: String, forItem item: String) {
        names[item] = name
    }

    private func intern(_ key: String, in index: inout [String: UInt32], ids: inout [String]) -> UInt32 {
        if let existing = index[key] { return existing }
        let next = UInt32(ids.count)
        index[key] = next
        ids.append(key)
        return next
    }

    /// Builds the graph: a counting sort of the edges by user, then a sort and merge within each user's row.
    public func build() -> PurchaseGraph {
        let userCount = userIDs.count
        var offsets = [Int](repeating: 0, count: userCount + 1)
        for u in edgeUsers { offsets[Int(u) + 1] += 1 }
        for i in 0 ..< userCount { offsets[i + 1] += offsets[i] }
        var cursor = offsets
        var items = [UInt32](repeating: 0, count: edgeUsers.count)
        var counts = [UInt32](repeating: 0, count: edgeUsers.count)
        for e in 0 ..< edgeUsers.count {
            let u = Int(edgeUsers[e])
            items[cursor[u]] = edgeItems[e]
            counts[cursor[u]] = edgeCounts[e]
            cursor[u] += 1
        }
        // Sort each row by item and merge duplicates, compacting in place.
        var mergedOffsets = [Int](repeating: 0, count: userCount + 1)
        var write = 0
        var row: [(UInt32, UInt32)] = []
        for u in 0 ..< userCount {
            row.removeAll(keepingCapacity: true)
            for e in offsets[u] ..< offsets[u + 1] { row.append((items[e], counts[e])) }
            row.sort { $0.0 < $1.0 }
            var i = 0
            while i < row.count {
                var total = UInt64(row[i].1)
                var j = i + 1
                while j < row.count && row[j].0 == row[i].0 {
                    total += UInt64(row[j].1)
                    j += 1
                }
                items[write] = row[i].0
                counts[write] = UInt32(clamping: total)
                write += 1
                i = j
            }
            mergedOffsets[u + 1] = write
        }
        items.removeLast(items.count - write)
        counts.removeLast(counts.count - write)
        let itemNames = itemIDs.map { names[$0] ?? $0 }
        return PurchaseGraph(
            userIDs: userIDs, itemIDs: itemIDs, itemNames: itemNames,
            userItems: CompressedSparseRows(offsets: mergedOffsets, targets: items), purchaseCounts: counts)
    }
}
