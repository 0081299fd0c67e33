/// The purchase counts of one (user, item) pair sum past 2³² − 1, the largest count a ``PurchaseGraph`` (and a
/// snapshot) holds; ``GraphBuilder/build()`` throws it rather than clamp the sum.
public struct PurchaseCountOverflow: Error, CustomStringConvertible, Sendable {
    public var user: String
    public var item: String
    /// The sum of the pair's counts.
    public var total: UInt64

    public init(user: String, item: String, total: UInt64) {
        self.user = user
        self.item = item
        self.total = total
    }

    public var description: String {
        "the counts of user '\(user.prefix(80))' and item '\(item.prefix(80))' sum to \(total), more than "
            + "\(UInt32.max), the largest count a snapshot holds"
    }
}
