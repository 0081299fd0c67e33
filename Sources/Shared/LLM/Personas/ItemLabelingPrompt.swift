import Foundation
public import GPLRCore

/// The prompt asking which personas each product pertains to (the item side of the tripartite graph
/// users – items – personas), in the style of the labeling prompt (Figure 3): one JSON object keyed by item id.
///
/// Each product is one line `Item "<id>": <name>` whose id is a JSON string literal; ``itemIDs(inPrompt:)``
/// reads them back (the simulator uses it). Pure: no I/O.
public struct ItemLabelingPrompt: Sendable {
    public let personas: [Persona]
    private let instructions: String

    public static let systemPrompt = """
        Now you are an intelligent e-commerce domain assistant. You are skilled at summarizing, and capable of \
        relating products to the high-level consumer personas of the customers who buy them.
        """

    static let linePrefix = "Item "

    public init(personas: [Persona]) {
        self.personas = personas
        let list = personas.enumerated().map { index, persona in
            "\(index + 1). \(LabelingPrompt.clean(persona.name, limit: 200))\n - "
                + LabelingPrompt.clean(persona.description, limit: 1000)
        }.joined(separator: "\n")
        instructions = """
            Take a deep breath and work according to the instructions step by step.

            Your goal is to find, for each product below, the personas of the customers it pertains to: the \
            personas whose members would typically buy it. Select at least one persona, at most 5 personas from \
            our given persona list, and only where the product name gives strong evidence.

            Please provide the output in json format: one object with one key per item id, each value an array \
            of persona names, for example:

            ```
            {"item_id": ["Persona1", "Persona2"], "item_id": ["Persona3"]}
            ```

            When no persona of the list fits a product, answer ["Unrepresentable"] for it.

            Here is the persona list you should choose from:
            \(list)

            The item ids must be exactly the given ones. Here are the products:

            """
    }

    /// A request about `items` (id and name each) with a strict schema (one key per item id, persona names as
    /// an enum), falling back to JSON mode.
    func request(
        for items: [(id: String, name: String)], temperature: Double? = nil, maxTokens: Int? = nil
    ) -> ChatCompletionRequest {
        var text = instructions
        for item in items {
            text +=
                Self.linePrefix + Self.jsonString(item.id) + ": " + LabelingPrompt.clean(item.name, limit: 200) + "\n"
        }
        text += """

            Remind one more time that you can only select from the given \(personas.count) personas' list and only \
            use the exactly given persona names. Do not explain, respond only in the required format.
            """
        let schema = ChatResponseSchema.labels(
            name: "item_personas", ids: items.map(\.id),
            names: personas.map { LabelingPrompt.clean($0.name, limit: 200) } + ["Unrepresentable"])
        return ChatCompletionRequest(
            messages: [.system(Self.systemPrompt), .user(text)], temperature: temperature, maxTokens: maxTokens,
            jsonObjectResponse: true, schema: schema)
    }

    /// The item ids of the product lines in `prompt`, in order.
    public static func itemIDs(inPrompt prompt: String) -> [String] {
        var ids: [String] = []
        for line in prompt.split(separator: "\n", omittingEmptySubsequences: true) {
            guard line.hasPrefix(linePrefix + "\"") else { continue }
            let literal = line.dropFirst(linePrefix.count)
            var escaped = false
            var end: Substring.Index?
            for index in literal.indices.dropFirst() {
                let character = literal[index]
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    end = index
                    break
                }
            }
            guard let end, let id = try? JSONDecoder().decode(String.self, from: Data(literal[...end].utf8)) else {
                continue
            }
            ids.append(id)
        }
        return ids
    }

    static func jsonString(_ text: String) -> String {
        (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
