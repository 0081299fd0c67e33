extension PersonaArchetype {
    /// Pairs of archetypes whose shoppers buy some of the same products (by name; symmetric). The synthetic
    /// generator draws part of a persona's purchases from its related personas' pools, so their items are
    /// shared signals ("Busy Parents" and "Health Enthusiast" both buy fruit pouches).
    static let relations: [(String, String)] = [
        ("Health Enthusiast", "Fitness Buff"), ("Health Enthusiast", "Vegan Eater"),
        ("Health Enthusiast", "Busy Parents"), ("Health Enthusiast", "Tea Drinker"),
        ("Busy Parents", "Snack Lover"), ("Busy Parents", "Frozen Food Fan"), ("Busy Parents", "Breakfast Fan"),
        ("Busy Parents", "Bargain Hunter"), ("Home Chef", "Home Baker"), ("Home Chef", "Asian Cuisine Cook"),
        ("Home Chef", "Mexican Food Lover"), ("Home Chef", "Seafood Lover"), ("Home Chef", "Gourmet Cheese Lover"),
        ("Snack Lover", "Late-Night Student"), ("Snack Lover", "Party Host"), ("Fitness Buff", "Vegan Eater"),
        ("Coffee Connoisseur", "Tea Drinker"), ("Coffee Connoisseur", "Breakfast Fan"), ("Pet Owner", "Gardener"),
        ("Pet Owner", "Bargain Hunter"), ("Vegan Eater", "Eco-Conscious Shopper"), ("Party Host", "Wine Enthusiast"),
        ("Bargain Hunter", "Late-Night Student"), ("Bargain Hunter", "Senior Homemaker"),
        ("Wine Enthusiast", "Gourmet Cheese Lover"), ("Breakfast Fan", "Senior Homemaker"),
        ("Asian Cuisine Cook", "Seafood Lover"), ("Eco-Conscious Shopper", "Gardener"),
        ("Eco-Conscious Shopper", "Beauty Devotee"), ("Frozen Food Fan", "Late-Night Student"),
        ("Tea Drinker", "Senior Homemaker"), ("Home Baker", "Breakfast Fan"),
    ]

    /// The vocabulary of the staples: popular products every persona buys (Instacart's bananas and milk),
    /// which signal no persona. Not a persona.
    static let staples = PersonaArchetype(
        name: "Staples",
        description: "Everyday products nearly every shopper buys.",
        adjectives: ["Whole", "Large", "Fresh", "2%", "Original", "Sliced"],
        nouns: [
            "Milk", "Bananas", "Eggs", "Bread", "Butter", "Apples", "Onions", "Potatoes", "Carrots", "Lemons",
            "Strawberries", "Cheese Slices", "Water", "Chicken Thighs", "Tomatoes",
        ])
}
