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
