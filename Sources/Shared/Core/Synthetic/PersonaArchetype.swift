/// A hand-written persona for synthetic data: its name and description (what the LLM sees in R) and the
/// vocabulary its products are named from ("<adjective> <noun>, <variant>"), so that a user's purchases
/// read like the persona to a human or an LLM.
struct PersonaArchetype: Sendable, Hashable {
    let name: String
    let description: String
    let adjectives: [String]
    let nouns: [String]

    init(name: String, description: String, adjectives: [String], nouns: [String]) {
        self.name = name
        self.description = description
        self.adjectives = adjectives
        self.nouns = nouns
    }

    /// Pack and size variants shared by all archetypes (some contain commas, to exercise CSV quoting).
    static let variants = [
        "12 oz", "16 oz", "Family Size", "Value Pack", "2 ct", "6 ct", "Single", "Large", "Small",
        "Pack of 6, Assorted", "Resealable Bag", "Organic", "Classic", "Travel Size", "Multipack, 4 x 200 g",
    ]

    /// The built-in archetypes, most popular first in the generator's default persona order.
    static let all: [PersonaArchetype] = [
        .init(
            name: "Health Enthusiast",
            description: "Buys fresh produce, whole grains and superfoods; prefers organic and low-sugar products.",
            adjectives: ["Organic", "Raw", "Sprouted", "Gluten-Free", "Cold-Pressed", "Unsweetened"],
            nouns: [
                "Kale", "Quinoa", "Chia Seeds", "Spinach", "Almond Milk", "Avocado", "Greek Yogurt", "Blueberries",
                "Lentils", "Green Tea",
            ]),
        .init(
            name: "Busy Parents",
            description: "Shops for a household with babies or young children: diapers, baby food, kid snacks.",
            adjectives: ["Baby", "Kids", "Toddler", "Sensitive", "Gentle", "Fruit"],
            nouns: [
                "Diapers", "Baby Food Pouch", "Wipes", "Juice Boxes", "Animal Crackers", "Mac & Cheese",
                "Formula", "Teething Biscuits", "Applesauce", "Fish Crackers",
            ]),
        .init(
            name: "Home Chef",
            description: "Cooks from scratch: spices, oils, fresh herbs, baking staples and specialty ingredients.",
            adjectives: ["Extra Virgin", "Smoked", "Artisan", "Stone-Ground", "Fresh", "Imported"],
            nouns: [
                "Olive Oil", "Paprika", "Basil", "Garlic", "Flour", "Parmesan", "Balsamic Vinegar", "Saffron",
                "Shallots", "Thyme",
            ]),
        .init(
            name: "Snack Lover",
            description: "Fills the cart with chips, candy, cookies and sweet or salty treats.",
            adjectives: ["Crunchy", "Spicy", "Double Chocolate", "Sea Salt", "Cheesy", "Sour"],
            nouns: [
                "Potato Chips", "Gummy Bears", "Cookies", "Pretzels", "Popcorn", "Candy Bar", "Tortilla Chips",
                "Cheese Puffs", "Licorice", "Brownie Bites",
            ]),
        .init(
            name: "Fitness Buff",
            description: "Buys protein, sports drinks and performance nutrition for training.",
            adjectives: ["High-Protein", "Whey", "Electrolyte", "Low-Carb", "Plant-Based", "Pre-Workout"],
            nouns: [
                "Protein Bar", "Protein Powder", "Sports Drink", "Energy Gel", "Creatine", "Chicken Breast",
                "Egg Whites", "Oat Bites", "Recovery Shake", "BCAA Mix",
            ]),
        .init(
            name: "Coffee Connoisseur",
            description: "Specialty coffee beans, brewing gear, creamers and café-style drinks.",
            adjectives: ["Single-Origin", "Dark Roast", "Light Roast", "Espresso", "Decaf", "Cold Brew"],
            nouns: [
                "Coffee Beans", "Ground Coffee", "Oat Creamer", "Pour-Over Filters", "Espresso Pods",
                "Vanilla Syrup", "French Press", "Milk Frother", "Biscotti", "Coffee Concentrate",
            ]),
        .init(
            name: "Pet Owner",
            description: "Shops for dogs and cats: pet food, treats, litter and pet care.",
            adjectives: ["Grain-Free", "Salmon", "Chicken", "Senior", "Puppy", "Kitten"],
            nouns: [
                "Dog Food", "Cat Food", "Cat Litter", "Dog Treats", "Chew Toy", "Flea Shampoo", "Catnip",
                "Dental Sticks", "Wet Food Tray", "Poop Bags",
            ]),
        .init(
            name: "Vegan Eater",
            description: "Avoids animal products: plant milks, tofu, meat and dairy alternatives.",
            adjectives: ["Vegan", "Plant-Based", "Dairy-Free", "Soy", "Oat", "Cashew"],
            nouns: [
                "Tofu", "Tempeh", "Plant Burger", "Oat Milk", "Vegan Cheese", "Seitan", "Nutritional Yeast",
                "Hummus", "Coconut Yogurt", "Jackfruit",
            ]),
        .init(
            name: "Party Host",
            description: "Buys for gatherings: drinks in bulk, mixers, party platters and disposable tableware.",
            adjectives: ["Party", "Sparkling", "Jumbo", "Festive", "Chilled", "Assorted"],
            nouns: [
                "Soda", "Tonic Water", "Paper Plates", "Plastic Cups", "Ice Bag", "Cheese Platter", "Napkins",
                "Cocktail Mixer", "Dip", "Beer",
            ]),
        .init(
            name: "Bargain Hunter",
            description: "Chooses store brands, bulk packs and discounted basics to keep spending low.",
            adjectives: ["Store Brand", "Bulk", "Economy", "Value", "Discount", "Basic"],
            nouns: [
                "Rice", "Pasta", "Canned Beans", "Toilet Paper", "Paper Towels", "Frozen Vegetables",
                "White Bread", "Peanut Butter", "Ramen", "Dish Soap",
            ]),
        .init(
            name: "Wine Enthusiast",
            description: "Buys wines and the cheeses, charcuterie and accessories that go with them.",
            adjectives: ["Reserve", "Dry", "Oaked", "Sparkling", "Vintage", "Aged"],
            nouns: [
                "Cabernet", "Chardonnay", "Pinot Noir", "Rosé", "Prosecco", "Brie", "Prosciutto",
                "Wine Crackers", "Olives", "Corkscrew",
            ]),
        .init(
            name: "Breakfast Fan",
            description: "Stocks up on cereals, eggs, bacon, pancake mixes and morning staples.",
            adjectives: ["Honey", "Maple", "Frosted", "Whole-Grain", "Buttermilk", "Cinnamon"],
            nouns: [
                "Cereal", "Pancake Mix", "Bacon", "Eggs", "Orange Juice", "Bagels", "Waffles", "Granola",
                "Maple Syrup", "Oatmeal",
            ]),
        .init(
            name: "Asian Cuisine Cook",
            description: "Cooks East and South-East Asian dishes: sauces, noodles, rice and specialty produce.",
            adjectives: ["Jasmine", "Toasted", "Fermented", "Thai", "Japanese", "Szechuan"],
            nouns: [
                "Soy Sauce", "Rice Noodles", "Miso Paste", "Sesame Oil", "Kimchi", "Bok Choy", "Fish Sauce",
                "Nori", "Tofu Skin", "Curry Paste",
            ]),
        .init(
            name: "Mexican Food Lover",
            description: "Buys tortillas, salsas, beans, chiles and the makings of Mexican meals.",
            adjectives: ["Chipotle", "Roasted", "Corn", "Flour", "Jalapeño", "Smoky"],
            nouns: [
                "Tortillas", "Salsa", "Refried Beans", "Queso Fresco", "Tomatillos", "Taco Seasoning",
                "Guacamole", "Chile Peppers", "Cotija", "Enchilada Sauce",
            ]),
        .init(
            name: "Home Baker",
            description: "Bakes bread, cakes and pastries: flours, yeast, sugar, chocolate chips and decorations.",
            adjectives: ["Unbleached", "Bread", "Cake", "Dark", "Powdered", "Pure"],
            nouns: [
                "Flour", "Yeast", "Baking Soda", "Chocolate Chips", "Vanilla Extract", "Brown Sugar",
                "Sprinkles", "Butter", "Cake Mix", "Frosting",
            ]),
        .init(
            name: "Eco-Conscious Shopper",
            description: "Prefers sustainable, refillable and plastic-free household products.",
            adjectives: ["Compostable", "Refillable", "Bamboo", "Biodegradable", "Recycled", "Zero-Waste"],
            nouns: [
                "Dish Soap", "Laundry Strips", "Toothbrush", "Trash Bags", "Beeswax Wraps", "Sponges",
                "Paper Towels", "Cleaning Spray", "Soap Bar", "Shopping Bag",
            ]),
        .init(
            name: "Beauty Devotee",
            description: "Buys skincare, hair care and cosmetics along with the groceries.",
            adjectives: ["Hydrating", "Vitamin C", "Fragrance-Free", "Argan", "Charcoal", "Rose"],
            nouns: [
                "Face Serum", "Moisturizer", "Shampoo", "Conditioner", "Face Mask", "Lip Balm", "Body Lotion",
                "Cleanser", "Sunscreen", "Hair Oil",
            ]),
        .init(
            name: "Frozen Food Fan",
            description: "Relies on frozen meals, pizzas and ready-to-heat food.",
            adjectives: ["Frozen", "Microwave", "Deep-Dish", "Family", "Crispy", "Loaded"],
            nouns: [
                "Pizza", "Burrito", "TV Dinner", "Chicken Nuggets", "Ice Cream", "Fish Sticks", "Pot Pie",
                "Dumplings", "Lasagna", "French Fries",
            ]),
        .init(
            name: "Tea Drinker",
            description: "Loose-leaf and bagged teas, honey, lemons and tea-time biscuits.",
            adjectives: ["Earl Grey", "Herbal", "Chamomile", "Matcha", "Oolong", "Peppermint"],
            nouns: [
                "Tea Bags", "Loose Leaf Tea", "Honey", "Lemon", "Shortbread", "Tea Infuser", "Scones",
                "Chai Concentrate", "Iced Tea", "Tea Sampler",
            ]),
        .init(
            name: "Gourmet Cheese Lover",
            description: "Specialty cheeses, crackers, fruit pastes and fine deli items.",
            adjectives: ["Aged", "Smoked", "Creamy", "Goat", "Blue", "Truffle"],
            nouns: [
                "Gouda", "Cheddar", "Camembert", "Manchego", "Gorgonzola", "Fig Jam", "Water Crackers",
                "Salami", "Quince Paste", "Marcona Almonds",
            ]),
        .init(
            name: "Seafood Lover",
            description: "Buys fresh and frozen fish and shellfish and the seasonings for them.",
            adjectives: ["Wild", "Atlantic", "Smoked", "Fresh", "Jumbo", "Line-Caught"],
            nouns: [
                "Salmon Fillet", "Shrimp", "Tuna Steak", "Cod", "Scallops", "Crab Legs", "Mussels",
                "Old Bay Seasoning", "Tartar Sauce", "Anchovies",
            ]),
        .init(
            name: "Gardener",
            description: "Buys seeds, soil, plant food and garden tools alongside groceries.",
            adjectives: ["Heirloom", "Organic", "Perennial", "Hardy", "Potting", "Slow-Release"],
            nouns: [
                "Tomato Seeds", "Potting Soil", "Plant Food", "Garden Gloves", "Seed Starter Kit",
                "Watering Can", "Mulch", "Herb Seeds", "Pruning Shears", "Flower Bulbs",
            ]),
        .init(
            name: "Late-Night Student",
            description: "Cheap, fast food for studying late: instant noodles, energy drinks, frozen snacks.",
            adjectives: ["Instant", "Energy", "Cup", "Mini", "Extra Caffeine", "Spicy"],
            nouns: [
                "Instant Noodles", "Energy Drink", "Frozen Burrito", "Cold Brew Can", "Microwave Popcorn",
                "Pizza Rolls", "Cereal Bar", "Soda", "Chips", "Instant Coffee",
            ]),
        .init(
            name: "Senior Homemaker",
            description: "Traditional pantry staples, easy-to-prepare meals and health supplements for older adults.",
            adjectives: ["Low-Sodium", "Fiber", "Classic", "Soft", "Calcium", "Heart-Healthy"],
            nouns: [
                "Prune Juice", "Oatmeal", "Canned Soup", "Multivitamin", "Crackers", "Tea Biscuits",
                "Applesauce", "Bran Flakes", "Cottage Cheese", "Fish Oil",
            ]),
    ]
}
