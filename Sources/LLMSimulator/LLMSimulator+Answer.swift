import Foundation
import Shared

extension LLMSimulator {
    /// The personas the simulator answers for `userID`, noise included; the same on every call (seeded by
    /// user). "Unrepresentable" when the truth has none or the noise removed them all.
    public func answer(forUser userID: String) -> [String] {
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
        if variationDraw < configuration.nameVariationRate {
            answer = answer.map { "  " + $0.uppercased().replacingOccurrences(of: " ", with: "   ") + " " }
        }
        return answer
    }

    /// The answer content for the users of one prompt, with `fault` applied to the content.
    func content(for userIDs: [String], fault: LLMSimulatorFault?) -> String {
        var entries = userIDs.map { (id: $0, personas: answer(forUser: $0)) }
        if fault == .unknownPersona {
            for index in entries.indices { entries[index].personas.append(configuration.unknownPersonaName) }
        }
        if fault == .wrongUserID, !entries.isEmpty {
            var wrong = entries[0].id + "-0"
            while userIDs.contains(wrong) { wrong += "0" }
            entries[0].id = wrong
        }
        let json = "{" + entries.map { entry in
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
