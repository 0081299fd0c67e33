import Foundation
import GPLRLLM

extension LLMSimulator {
    /// The personas the simulator answers for `userID`, noise included; the same on every call (seeded by
    /// user). "Unrepresentable" when the truth has none or the noise removed them all.
    public func answer(forUser userID: String) -> [String] { answer(forUser: userID, canonical: false) }

    /// As ``answer(forUser:)``; `canonical` skips the name variations (a schema's enum allows none).
    func answer(forUser userID: String, canonical: Bool) -> [String] {
        var random = SimulatorRandom(seed: configuration.seed, key: "user:" + userID)
        let truth = self.truth[userID] ?? []
        // Draw every random number in a fixed order so answers do not depend on which branches run.
        let unrepresentableDraw = random.unit()
        let dropDraws = truth.map { _ in random.unit() }
        let wrongDraw = random.unit()
        let wrongIndexDraw = random.next()
        let variationDraw = random.unit()
        guard !truth.isEmpty, unrepresentableDraw >= configuration.unrepresentableRate else {
            return ["Unrepresentable"]
        }
        var answer = zip(truth, dropDraws).filter { $0.1 >= configuration.dropRate }.map(\.0)
        if wrongDraw < configuration.wrongPersonaRate {
            let wrong = personas.filter { !truth.contains($0) }
            if !wrong.isEmpty { answer.append(wrong[Int(wrongIndexDraw % UInt64(wrong.count))]) }
        }
        guard !answer.isEmpty else { return ["Unrepresentable"] }
        if variationDraw < configuration.nameVariationRate, !canonical {
            answer = answer.map { "  " + $0.uppercased().replacingOccurrences(of: " ", with: "   ") + " " }
        }
        return answer
    }

    /// The answer content for one prompt of any kind, with `fault` applied, and the ids it answered about;
    /// `structured`: as a server honouring the request's schema writes it (canonical names, persona sets as
    /// `{"personas": [{name, description}]}`).
    func content(forPrompt prompt: String, fault: LLMSimulatorFault?, structured: Bool = false) -> (String, [String]) {
        if let count = PersonaGenerationPrompt.requestedCount(inPrompt: prompt) {
            let content = personaSetContent(forPrompt: prompt, count: count, json: structured)
            return (fault == .malformedJSON ? String(content.prefix(content.count / 3)) : content, [])
        }
        let items = ItemLabelingPrompt.itemIDs(inPrompt: prompt)
        if !items.isEmpty { return (content(for: items, fault: fault, answer: answer(forItem:)), items) }
        let users = LabelingPrompt.userIDs(inPrompt: prompt)
        return (content(for: users, fault: fault) { answer(forUser: $0, canonical: structured) }, users)
    }

    /// The personas the simulator answers for item `itemID`: its item truth, else one or two seeded random
    /// personas of R.
    public func answer(forItem itemID: String) -> [String] {
        if let known = itemTruth[itemID] { return known.isEmpty ? ["Unrepresentable"] : known }
        guard !personas.isEmpty else { return ["Unrepresentable"] }
        var random = SimulatorRandom(seed: configuration.seed, key: "item:" + itemID)
        let first = Int(random.next() % UInt64(personas.count))
        var answer = [personas[first]]
        if random.unit() < 0.5, personas.count > 1 {
            answer.append(personas[(first + 1 + Int(random.next() % UInt64(personas.count - 1))) % personas.count])
        }
        return answer
    }

    /// The JSON answer for `ids`, with `fault` applied to the content.
    func content(for ids: [String], fault: LLMSimulatorFault?, answer: (String) -> [String]) -> String {
        let userIDs = ids
        var entries = userIDs.map { (id: $0, personas: answer($0)) }
        if fault == .unknownPersona {
            for index in entries.indices { entries[index].personas.append(configuration.unknownPersonaName) }
        }
        if fault == .wrongUserID, !entries.isEmpty {
            var wrong = entries[0].id + "-0"
            while userIDs.contains(wrong) { wrong += "0" }
            entries[0].id = wrong
        }
        let json =
            "{"
            + entries.map { entry in
                Self.jsonString(entry.id) + ": [" + entry.personas.map(Self.jsonString).joined(separator: ", ") + "]"
            }.joined(separator: ", ") + "}"
        if fault == .malformedJSON { return String(json.prefix(max(1, json.count / 2))) }
        return json
    }

    func tokens(_ characters: Int) -> Int {
        max(1, (characters + configuration.charactersPerToken - 1) / configuration.charactersPerToken)
    }

    static func jsonString(_ text: String) -> String {
        (try? JSONEncoder().encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
