/// A persona of R as shown to the LLM: its exact name and a description.
public struct LabelingPersona: Sendable, Equatable {
    public var name: String
    public var description: String

    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}

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

/// How much of each user's history goes into a prompt.
public struct LabelingPromptOptions: Sendable, Equatable {
    /// At most this many products per user, the most bought first.
    public var maxProductsPerUser: Int
    /// The product list of one user stops before exceeding this many characters (at least one product is kept).
    public var maxCharactersPerUser: Int
    /// Longer product names are cut to this many characters.
    public var maxProductNameCharacters: Int

    public init(maxProductsPerUser: Int = 100, maxCharactersPerUser: Int = 4000, maxProductNameCharacters: Int = 120) {
        self.maxProductsPerUser = max(1, maxProductsPerUser)
        self.maxCharactersPerUser = max(1, maxCharactersPerUser)
        self.maxProductNameCharacters = max(1, maxProductNameCharacters)
    }
}
