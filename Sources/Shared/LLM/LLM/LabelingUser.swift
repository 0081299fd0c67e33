/// One product a user bought and how many times.
public struct LabelingPurchase: Sendable, Equatable {
    public var productName: String
    public var count: Int

    public init(productName: String, count: Int) {
        self.productName = productName
        self.count = count
    }
}

/// A user to label: their external id and purchases (any order; the prompt sorts them).
public struct LabelingUser: Sendable, Equatable {
    public var id: String
    public var purchases: [LabelingPurchase]

    public init(id: String, purchases: [LabelingPurchase]) {
        self.id = id
        self.purchases = purchases
    }
}
