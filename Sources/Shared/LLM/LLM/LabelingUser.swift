/// One product a user bought and how many times.
struct LabelingPurchase: Sendable, Equatable {
    var productName: String
    var count: Int

    init(productName: String, count: Int) {
        self.productName = productName
        self.count = count
    }
}

/// A user to label: their external id and purchases (any order; the prompt sorts them).
struct LabelingUser: Sendable, Equatable {
    var id: String
    var purchases: [LabelingPurchase]

    init(id: String, purchases: [LabelingPurchase]) {
        self.id = id
        self.purchases = purchases
    }
}
