/// Accumulates purchases keyed by external ids and builds a ``PurchaseGraph``.
///
/// Users and items are numbered in order of first appearance, so the same input gives the same graph.
/// Repeated (user, item) purchases are merged into one edge whose count is the sum (refused past 2³² − 1).
///
/// Ids are interned from their UTF-8 bytes (see `ByteStringInterner`), so the ingest hot path can add a
/// purchase straight from a CSV reader's buffer with ``addPurchase(userBytes:itemBytes:count:)`` without
/// creating a `String` per field; `String`s are made once per distinct id in ``build()``.
struct GraphBuilder: Sendable {
    private var users = ByteStringInterner()
    private var items = ByteStringInterner()
    private var names: [String: String] = [:]
    private var namesByIndex: [Int: String] = [:]
    private var edgeUsers: [UInt32] = []
    /// `(item << 32) | count` per purchase row: one array to append to, and the sort key of ``build()``.
    private var edgeItemCounts: [UInt64] = []

    init() {}

    /// Number of purchase rows added so far (before merging duplicates).
    var purchaseRowCount: Int { edgeUsers.count }
    /// Distinct users seen so far.
    var userCount: Int { users.count }
    /// Distinct items seen so far.
    var itemCount: Int { items.count }

    /// Records that `user` bought `item` `count` times.
    mutating func addPurchase(user: String, item: String, count: UInt32 = 1) {
        addPurchase(userIndex: users.intern(user), itemIndex: items.intern(item), count: count)
    }

    /// Records a purchase from the raw UTF-8 bytes of the ids (the ingest fast path). The bytes are copied
    /// when an id is new, so the buffers may be reused afterwards.
    /// - Returns: the dense user and item indices the ids were given.
    @discardableResult @inline(__always)
    mutating func addPurchase(
        userBytes: UnsafeRawBufferPointer, itemBytes: UnsafeRawBufferPointer, count: UInt32 = 1
    ) -> (user: UInt32, item: UInt32) {
        let u = users.intern(userBytes)
        let v = items.intern(itemBytes)
        addPurchase(userIndex: u, itemIndex: v, count: count)
        return (u, v)
    }

    /// The dense index of the user with these id bytes, assigning the next one if it is new. A user interned
    /// this way is part of the graph even without purchases.
    @inline(__always)
    mutating func userIndex(forBytes bytes: UnsafeRawBufferPointer) -> UInt32 { users.intern(bytes) }

    /// The dense index of the item with these id bytes, assigning the next one if it is new. An item interned
    /// this way is part of the graph even without purchases.
    @inline(__always)
    mutating func itemIndex(forBytes bytes: UnsafeRawBufferPointer) -> UInt32 { items.intern(bytes) }

    /// Records a purchase by dense indices returned from ``userIndex(forBytes:)`` / ``itemIndex(forBytes:)``.
    @inline(__always)
    mutating func addPurchase(userIndex: UInt32, itemIndex: UInt32, count: UInt32) {
        edgeUsers.append(userIndex)
        edgeItemCounts.append(UInt64(itemIndex) << 32 | UInt64(count))
    }

    /// Records a display name for an item; items without one are named by their external id. Names of ids
    /// that never appear in a purchase are ignored.
    mutating func setName(_ name: String, forItem item: String) {
        names[item] = name
    }

    /// Records a display name for the item with dense index `index`; it takes precedence over a name set by
    /// external id.
    mutating func setName(_ name: String, forItemAt index: UInt32) {
        namesByIndex[Int(index)] = name
    }

    /// The index of the user whose id has these bytes, if it was added.
    func existingUserIndex(forBytes bytes: UnsafeRawBufferPointer) -> UInt32? { users.lookup(bytes) }

    /// The index of the user whose id is `id`, if it was added.
    func existingUserIndex(_ id: String) -> UInt32? { users.lookup(id) }

    /// The index of the item whose id has these bytes, if it was added.
    func existingItemIndex(forBytes bytes: UnsafeRawBufferPointer) -> UInt32? { items.lookup(bytes) }

    /// The index of the item whose id is `id`, if it was added.
    func existingItemIndex(_ id: String) -> UInt32? { items.lookup(id) }

    /// Reserves room for about `purchaseRows` rows (an estimate: more rows still fit, fewer leave untouched
    /// address space). Growing row by row copies every row at each doubling into fresh pages.
    mutating func reserve(purchaseRows: Int) {
        guard purchaseRows > edgeUsers.capacity else { return }
        edgeUsers.reserveCapacity(purchaseRows)
        edgeItemCounts.reserveCapacity(purchaseRows)
    }

    /// Builds the graph: a counting sort of the edges by user (skipped when the rows came grouped by user, as a
    /// user's purchases usually do), then a sort and merge within each user's row.
    ///
    /// The builder is spent: its edge arrays are moved out and become the graph's (the per-row user indices are
    /// overwritten with the item targets), so building allocates only the counts and the offsets beside them. At
    /// 10M users the fresh pages of zero-filled arrays, which the kernel zeroes again, were a tenth of the ingest.
    /// - Throws: ``PurchaseCountOverflow`` when the counts of one (user, item) pair sum past `UInt32.max`.
    mutating func build() throws(PurchaseCountOverflow) -> PurchaseGraph {
        let userCount = users.count
        var rowUsers: [UInt32] = [], packed: [UInt64] = []
        swap(&rowUsers, &edgeUsers)
        swap(&packed, &edgeItemCounts)
        let edgeCount = rowUsers.count
        var offsets = [Int](repeating: 0, count: userCount + 1)
        // Every user index in rowUsers is < userCount (the interner handed it out), so u + 1 ≤ userCount indexes
        // offsets, and each row's cursor stays within its row: the loops use unchecked buffer access and wrapping
        // increments (no count exceeds edgeCount).
        let grouped = offsets.withUnsafeMutableBufferPointer { offsets in
            rowUsers.withUnsafeBufferPointer { rowUsers in
                // Users are numbered in order of first appearance, so rows grouped by user have non-decreasing
                // user indices: then they already are in counting-sort order.
                var grouped = true, previous: UInt32 = 0
                for u in rowUsers {
                    offsets[Int(u) &+ 1] &+= 1
                    grouped = grouped && u >= previous
                    previous = u
                }
                for i in 0..<userCount { offsets[i &+ 1] &+= offsets[i] }
                return grouped
            }
        }
        if !grouped {
            let source = packed
            packed = [UInt64](unsafeUninitializedCapacity: edgeCount) { sorted, initialized in
                var cursor = Array(offsets)
                cursor.withUnsafeMutableBufferPointer { cursor in
                    rowUsers.withUnsafeBufferPointer { rowUsers in
                        source.withUnsafeBufferPointer { source in
                            for e in 0..<edgeCount {
                                let u = Int(rowUsers[e])
                                sorted[cursor[u]] = source[e]
                                cursor[u] &+= 1
                            }
                        }
                    }
                }
                initialized = edgeCount
            }
        }
        // Sort each row by item (the high half of the packed key) and merge duplicates, compacting. The targets are
        // written over the rows' user indices, which the offsets now hold: same element type, at least as many.
        var mergedOffsets = [Int](repeating: 0, count: userCount + 1)
        var targets = rowUsers
        rowUsers = []
        var write = 0
        var overflow: (user: Int, item: Int, total: UInt64)?
        let counts = [UInt32](unsafeUninitializedCapacity: edgeCount) { counts, initialized in
            packed.withUnsafeMutableBufferPointer { packed in
                targets.withUnsafeMutableBufferPointer { targets in
                    for u in 0..<userCount {
                        let lo = offsets[u], hi = offsets[u + 1]
                        InPlaceSort.sort(UnsafeMutableBufferPointer(rebasing: packed[lo..<hi]))
                        var i = lo
                        while i < hi {
                            let item = packed[i] >> 32
                            var total = packed[i] & 0xFFFF_FFFF
                            var j = i + 1
                            while j < hi && packed[j] >> 32 == item {
                                total += packed[j] & 0xFFFF_FFFF
                                j += 1
                            }
                            if total > UInt64(UInt32.max), overflow == nil { overflow = (u, Int(item), total) }
                            targets[write] = UInt32(item)
                            counts[write] = UInt32(truncatingIfNeeded: total)
                            write += 1
                            i = j
                        }
                        mergedOffsets[u + 1] = write
                    }
                }
            }
            initialized = write
        }
        packed = []
        if let overflow {
            throw PurchaseCountOverflow(
                user: users.string(at: overflow.user), item: items.string(at: overflow.item), total: overflow.total)
        }
        targets.removeLast(edgeCount - write)
        let itemIDs = items.strings()
        var itemNames = itemIDs
        if !names.isEmpty {
            for i in 0..<itemIDs.count { if let name = names[itemIDs[i]] { itemNames[i] = name } }
        }
        for (index, name) in namesByIndex where index < itemNames.count { itemNames[index] = name }
        return PurchaseGraph(
            userIDs: users.strings(), itemIDs: itemIDs, itemNames: itemNames,
            userItems: CompressedSparseRows(offsets: mergedOffsets, targets: targets), purchaseCounts: counts)
    }
}
