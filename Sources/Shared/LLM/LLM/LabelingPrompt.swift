import Foundation

/// The persona labeling prompt of the paper (Appendix B, Figure 3), for one or several users per request.
///
/// The system prompt and instructions follow Figure 3.a; each user is serialised as in Figure 3.b (products
/// with purchase counts, the most bought first, cut to ``LabelingPromptOptions``). Several users are answered
/// in one JSON object keyed by user id. Each user's block starts with a marker line
/// `Here is the data of user "<id>" for you to analyze:` whose id is a JSON string literal;
/// ``userIDs(inPrompt:)`` reads the markers back (the simulator uses it).
///
/// Pure: no I/O. Build once per persona set R and reuse for every batch.
public struct LabelingPrompt: Sendable {
    let personas: [LabelingPersona]
    public let options: LabelingPromptOptions
    private let instructions: String

    public static let systemPrompt = """
        Now you are an intelligent e-commerce domain assistant. You are skilled at summarizing, and capable of \
        assigning high-level consumer personas based on a user's purchase behavior.
        """

    static let markerPrefix = "Here is the data of user "
    static let markerSuffix = " for you to analyze:"

    init(personas: [LabelingPersona], options: LabelingPromptOptions = LabelingPromptOptions()) {
        self.personas = personas
        self.options = options
        instructions = Self.renderInstructions(personas)
    }

    /// System and user message asking for the personas of `users`.
    func messages(for users: [LabelingUser]) -> [ChatMessage] {
        [.system(Self.systemPrompt), .user(userPrompt(for: users))]
    }

    /// A request for `users` with a strict schema (one key per user id, persona names as an enum), falling back
    /// to JSON mode.
    func request(for users: [LabelingUser], temperature: Double? = nil, maxTokens: Int? = nil)
        -> ChatCompletionRequest
    {
        ChatCompletionRequest(
            messages: messages(for: users), temperature: temperature, maxTokens: maxTokens, jsonObjectResponse: true,
            schema: schema(for: users.map(\.id)))
    }

    /// The answer's schema: an object keyed by exactly `ids`, each an array of persona names (as the prompt
    /// lists them) or `Unrepresentable`.
    func schema(for ids: [String]) -> ChatResponseSchema {
        .labels(
            name: "persona_labels", ids: ids,
            names: personas.map { Self.clean($0.name, limit: 200) } + ["Unrepresentable"])
    }

    func userPrompt(for users: [LabelingUser]) -> String {
        var text = instructions
        if users.count > 1 {
            text += """
                There are \(users.count) users below. Answer for every one of them in a single JSON object with \
                one key per user number.

                """
        }
        for user in users {
            text += "\n" + Self.marker(for: user.id) + "\n" + serialize(user) + "\n"
        }
        text += """

            Remind one more time that you can only select from the given \(personas.count) personas' list and only \
            use the exactly given persona, you cannot use other words to describe. You do not need to explain how \
            you get the result, so please respond no more than the required format.
            """
        return text
    }

    /// Figure 3.b's sentence for one user: `The user X has totally purchased N unique products, …`.
    func serialize(_ user: LabelingUser) -> String {
        let id = Self.clean(user.id, limit: options.maxProductNameCharacters)
        let merged = Dictionary(
            user.purchases.map { (Self.clean($0.productName, limit: options.maxProductNameCharacters), $0.count) },
            uniquingKeysWith: +)
        let sorted = merged.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        guard !sorted.isEmpty else { return "The user \(id) has not purchased any product." }
        var items: [String] = []
        var characters = 0
        for (name, count) in sorted.prefix(options.maxProductsPerUser) {
            let item = "\(name), \(count) \(count == 1 ? "time" : "times")"
            if !items.isEmpty && characters + item.count + 2 > options.maxCharactersPerUser { break }
            items.append(item)
            characters += item.count + 2
        }
        let shown =
            items.count == sorted.count
            ? "we show each product name followed by its purchased times"
            : "we show the \(items.count) most purchased ones, each product name followed by its purchased times"
        return "The user \(id) has totally purchased \(sorted.count) unique products, \(shown): they bought: "
            + items.joined(separator: "; ") + "."
    }

    /// The user ids of the marker lines in `prompt`, in order.
    public static func userIDs(inPrompt prompt: String) -> [String] {
        var ids: [String] = []
        for line in prompt.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix(markerPrefix), line.hasSuffix(markerSuffix) else { continue }
            let literal = line.dropFirst(markerPrefix.count).dropLast(markerSuffix.count)
            if let id = try? JSONDecoder().decode(String.self, from: Data(literal.utf8)) { ids.append(id) }
        }
        return ids
    }

    static func marker(for id: String) -> String {
        let literal = (try? JSONEncoder().encode(id)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return markerPrefix + literal + markerSuffix
    }

    /// One line, no control characters, runs of whitespace collapsed, at most `limit` characters.
    static func clean(_ text: String, limit: Int) -> String {
        let words = text.split(whereSeparator: {
            $0.isWhitespace || $0.isNewline || $0.asciiValue.map { $0 < 32 } == true
        })
        let joined = words.joined(separator: " ")
        return joined.count > limit ? String(joined.prefix(limit)) + "…" : joined
    }

    private static func renderInstructions(_ personas: [LabelingPersona]) -> String {
        let list = personas.enumerated().map { index, persona in
            "\(index + 1). \(clean(persona.name, limit: 200))\n - \(clean(persona.description, limit: 1000))"
        }.joined(separator: "\n")
        return """
            Take a deep breath and work according to the instructions step by step.

            Your goal is to identify users' shopping behaviors based on products they have bought and label them \
            with a given set of personas. You need to select at least one persona, at most 5 personas from our \
            given persona list. But make sure that for each assignment you should find strong evidence in their \
            purchase transactions. Please keep the procedure as accurate as possible.

            Please provide the output in json format. Prefer to return arrays instead of comma separated strings. \
            The following is an explanation of your return format:

            ```
            {"user_number": ["Persona1", "Persona2", "Persona3"], "user_number": ["Persona1", "Persona2"]}
            ```

            And here is a specific example:

            ```
            {"12346": ["Vegan/Vegetarian", "High-Protein Shopper", "Pet Owner"]}
            ```

            In the case that you feel there does not exist any suitable persona from the given list that can \
            properly describe a user's purchasing behavior, you can label the user as an 'unrepresentable' user \
            as the following example:

            ```
            {"12999": ["Unrepresentable"]}
            ```

            Here is the persona list you should choose from:
            \(list)

            Remember that the user number (i.e., "user_number" in the example) should be exactly from the given \
            transaction data, do not make it wrong since it is crucial.

            """
    }
}
