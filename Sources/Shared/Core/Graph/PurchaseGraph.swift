/// The user–item purchase graph G = (U, V, E) of the paper: undirected, bipartite, unweighted for the random
/// walks, with purchase counts kept per edge for the labeling prompts.
///
/// Users and items are dense indices `0 ..< userCount` and `0 ..< itemCount`; their external ids (the ones in
/// the source data) are kept so every result can be joined back.
///
/// The memberwise initializer takes both sides, trusted to be transposes of each other (the snapshot reader
/// checks this); ``init(userIDs:itemIDs:itemNames:userItems:purchaseCounts:)`` derives the item → user side.
public struct PurchaseGraph: Sendable, Equatable {
    /// External user ids, indexed by user.
    public let userIDs: [String]
    /// External item ids, indexed by item.
    public let itemIDs: [String]
    /// Human-readable item names, indexed by item (the external id when the source had no name).
    public let itemNames: [String]
    /// N(u) for every user: item indices, sorted.
    @usableFromInline let userItems: CompressedSparseRows
    /// How often each user bought each item, parallel to `userItems.targets` (≥ 1).
    public let purchaseCounts: [UInt32]
    /// N(v) for every item: user indices, sorted. Always the transpose of `userItems`.
    @usableFromInline let itemUsers: CompressedSparseRows

    public var userCount: Int { userIDs.count }
    public var itemCount: Int { itemIDs.count }
    /// |E|: distinct (user, item) pairs.
    public var edgeCount: Int { userItems.entryCount }

    /// d(u)
    @inlinable public func degree(ofUser user: Int) -> Int { userItems.degree(user) }
    /// d(v)
    @inlinable public func degree(ofItem item: Int) -> Int { itemUsers.degree(item) }

    /// The items a user bought with their purchase counts, most-bought first (ties by item index):
    /// the order the labeling prompt serialises them in.
    public func purchases(ofUser user: Int) -> [(item: Int, count: UInt32)] {
        let lo = userItems.offsets[user], hi = userItems.offsets[user + 1]
        var result: [(item: Int, count: UInt32)] = []
        result.reserveCapacity(hi - lo)
        for e in lo..<hi { result.append((Int(userItems.targets[e]), purchaseCounts[e])) }
        result.sort { $0.count != $1.count ? $0.count > $1.count : $0.item < $1.item }
        return result
    }
}

extension PurchaseGraph {
    /// Builds a graph from its user → item side; the item → user side is derived.
    init(
        userIDs: [String], itemIDs: [String], itemNames: [String],
        userItems: CompressedSparseRows, purchaseCounts: [UInt32]
    ) {
        precondition(userItems.rowCount == userIDs.count, "one CSR row per user")
        precondition(itemNames.count == itemIDs.count, "one name per item")
        precondition(purchaseCounts.count == userItems.entryCount, "one count per edge")
        self.init(
            userIDs: userIDs, itemIDs: itemIDs, itemNames: itemNames, userItems: userItems,
            purchaseCounts: purchaseCounts, itemUsers: userItems.transposed(columnCount: itemIDs.count))
    }
}

extension PurchaseGraph {
    /// The users → items CSR arrays, for peers outside the module that take raw arrays (the C benchmark peer).
    package var userItemArrays: (offsets: [Int], targets: [UInt32]) { (userItems.offsets, userItems.targets) }
    /// The items → users CSR offsets.
    package var itemUserOffsets: [Int] { itemUsers.offsets }
}
