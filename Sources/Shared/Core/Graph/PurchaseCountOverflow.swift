/// The purchase counts of one (user, item) pair sum past 2³² − 1, the largest count a ``PurchaseGraph`` (and a
/// snapshot) holds; ``GraphBuilder/build()`` throws it rather than clamp the sum.
struct PurchaseCountOverflow: Error, CustomStringConvertible, Sendable {
    var user: String
    var item: String
    /// The sum of the pair's counts.
    var total: UInt64

    init(user: String, item: String, total: UInt64) {
        self.user = user
        self.item = item
        self.total = total
    }

    var description: String {
        "the counts of user '\(user.prefix(80))' and item '\(item.prefix(80))' sum to \(total), more than "
            + "\(UInt32.max), the largest count a snapshot holds"
    }
}
