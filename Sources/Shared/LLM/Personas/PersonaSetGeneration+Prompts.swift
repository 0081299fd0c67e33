import Foundation
public import GPLRCore

/// The three persona-set prompts of the paper (Appendix B, Figure 2): propose a set from a sample of users'
/// purchases, merge a few proposals into one set, and pick the final set from the merged ones. Pure.
public enum PersonaGenerationPrompt {
    /// The line after which merge and final prompts list the candidate sets (the simulator reads from it).
    public static let candidatesHeading = "that make up the candidate personas you need to choose from:"

    public static let proposeSystemPrompt = """
        You are an assistant skilled at summarizing, capable of deducing high-level consumer keywords based on a \
        user's purchases.
        """

    public static let selectSystemPrompt = """
        You are an assistant skilled at reading, observing and summarizing, capable of finding similar or \
        repeated descriptions of user personas, and good at finding the most representative ones.
        """

    static let formatExample = """
        1. Home Comforts Enthusiast
         - Buys items focused on creating a cozy and inviting home atmosphere, such as wicker hearts, \
        chalkboards, vintage decorative pieces, and heart-shaped ornaments.
        2. Craft and DIY Hobbyist
         - Often purchases crafting materials, DIY kits, sewing items, plush toys, and bespoke stationery sets \
        for personal projects or to entertain children.
        """

    /// Step 1 (Figure 2.a): `count` personas from `users`' purchases (serialised as in Figure 3.b).
    static func propose(
        users: [LabelingUser], count: Int, datasetName: String, totalUsers: Int, options: LabelingPromptOptions
    ) -> [ChatMessage] {
        let serializer = LabelingPrompt(personas: [], options: options)
        let share = totalUsers > 0 ? Double(users.count) / Double(totalUsers) * 100 : 100
        let data = users.map { serializer.serialize($0) }.joined(separator: "\n")
        let user = """
            Take a deep breath and work according to the instructions step by step. Now you will conduct a series \
            of analyses on the \(datasetName) dataset. This dataset contains data from a retailer, where each \
            user's purchasing transactions and the bought items are recorded. From this dataset, I will provide \
            you the purchase information from about \(users.count) (\(String(format: "%.2g", share)) percent) \
            users, per-user's purchasing data has been grouped by their ID and transferred to a natural language \
            description for your better understanding of their purchasing behaviors.

            Your task is to generate representative and accurate \(count) user personas according to these \
            users' purchasing patterns. Please notice that we give you 2 important targets you should consider \
            and optimize:

            - High Coverage: We hope that your generated persona set can cover as many users as possible. We \
            define the 'coverage' as the total number of the users which can be labeled with at least one of \
            your generated persona set.
            - High Accuracy: We hope that each of your generated persona has a precise definition. An ambiguous \
            or sweeping persona definition should be avoided.

            Repeat your task one more time, the goal is to generate a proper set of \(count) representative and \
            accurate user personas existing in the data subset and explain them quantitatively.

            For each persona, you should write a corresponding definition, an output example:

            \(formatExample)
            - ... (\(count) personas in total)

            Now considering the user purchasing data given below:
            \(data)
            """
        return [.system(proposeSystemPrompt), .user(user)]
    }

    /// Step 2 (Figure 2.b): the `count` most representative personas of `sets`, drawn from `totalSets`.
    public static func merge(sets: [[Persona]], count: Int, totalSets: Int) -> [ChatMessage] {
        let total = sets.reduce(0) { $0 + $1.count }
        let user = """
            Take a deep breath and work according to the instructions step by step. Now we have \(totalSets) \
            persona_sets, each containing about \(count) personas, and I will randomly select \(sets.count) \
            persona_sets, for a total of \(total) personas. Your task is to select the \(count) most \
            representative personas from these \(total) personas and output the results. If you find that the \
            content of a certain group is not \(count) personas but less than \(count), or even irrelevant \
            information, you should ignore this group of information and only refer to personas in other groups. \
            Note that you may find that the personas you read have some similarities or even some duplications. \
            You need to find these similar or duplicate personas and select the \(count) most representative \
            personas accordingly. You should not refer to any information related to the number of occurrences \
            in these personas, as this information is very likely to be unreasonable. You should ignore the \
            occurrence times information and select the \(count) most representative personas based only on \
            their descriptions.

            \(answerFormat(count))

            Here are the \(sets.count) sets of results \(candidatesHeading)

            \(render(sets))
            """
        return [.system(selectSystemPrompt), .user(user)]
    }

    /// Step 3 (Figure 2.c): the final `count` personas from the merged `sets`.
    public static func final(sets: [[Persona]], count: Int) -> [ChatMessage] {
        let total = sets.reduce(0) { $0 + $1.count }
        let user = """
            Take a deep breath and work according to the instructions step by step. Now we have \(sets.count) \
            persona sets, each containing about \(count) personas, for a total of \(total) personas. Your task is \
            to select the \(count) most representative personas from these \(total) personas and output the \
            results. Note that you may find that the personas you read have some similarities or even some \
            duplications. You need to find these similar or duplicate personas and select the \(count) most \
            representative personas accordingly, that is to say, these \(count) personas occurs most times and \
            can cover most of them.

            \(answerFormat(count))

            Here are the \(sets.count) sets of personas \(candidatesHeading)

            \(render(sets))
            """
        return [.system(selectSystemPrompt), .user(user)]
    }

    /// The number of personas a persona-set prompt asks for, read back from its text (the simulator uses it).
    public static func requestedCount(inPrompt prompt: String) -> Int? {
        for pattern in ["generate representative and accurate ", "Your task is to select the ", "to select the "] {
            guard let range = prompt.range(of: pattern) else { continue }
            let digits = prompt[range.upperBound...].prefix(while: \.isNumber)
            if let value = Int(digits) { return value }
        }
        return nil
    }

    static func answerFormat(_ count: Int) -> String {
        """
        Answer with exactly \(count) personas as a numbered list, each persona's name on its own line followed by \
        a line with its definition, like this:

        \(formatExample)
        """
    }

    /// Sets as `Set k:` followed by a numbered list of `name` / ` - description`.
    static func render(_ sets: [[Persona]]) -> String {
        sets.enumerated().map { index, set in
            "Set \(index + 1):\n"
                + set.enumerated().map { number, persona in
                    "\(number + 1). \(LabelingPrompt.clean(persona.name, limit: 200))\n - "
                        + LabelingPrompt.clean(persona.description, limit: 1000)
                }.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}
