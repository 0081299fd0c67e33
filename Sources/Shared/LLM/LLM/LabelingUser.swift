import GPLRCore

/// One product a user bought and how many times.
struct LabelingPurchase: Sendable, Equatable {
    var productName: String
    var count: Int
}

/// A user to label: their external id and purchases (any order; the prompt sorts them).
struct LabelingUser: Sendable, Equatable {
    var id: String
    var purchases: [LabelingPurchase]
}

extension LabelingUser {
    /// `user` of `graph` as the prompts show it: its purchases most bought first, cut to `maxProducts`.
    init(_ user: Int, in graph: PurchaseGraph, maxProducts: Int) {
        let purchases = graph.purchases(ofUser: user).prefix(maxProducts).map {
            LabelingPurchase(productName: graph.itemNames[$0.item], count: Int($0.count))
        }
        self.init(id: graph.userIDs[user], purchases: purchases)
    }
}
