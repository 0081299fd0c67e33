import Testing

@testable import GPLRLLM

@Suite(.timeLimit(.minutes(5))) struct LLMResponseParserTests {
    let parser = LLMFixtures.parser

    @Test func acceptsPlainAndFencedJSON() {
        let plain = parser.parse(
            #"{"1": ["Pet Owner"], "2": ["Tea Lover", "Bargain Hunter"]}"#, askedUserIDs: ["1", "2"])
        #expect(plain.personas == ["1": ["Pet Owner"], "2": ["Tea Lover", "Bargain Hunter"]])
        #expect(plain.isClean)
        let fenced = parser.parse("```json\n{\"1\": [\"Pet Owner\"]}\n```", askedUserIDs: ["1"])
        #expect(fenced.personas == ["1": ["Pet Owner"]] && fenced.isClean)
        let bare = parser.parse("```\n{\"1\": [\"Pet Owner\"]}\n```", askedUserIDs: ["1"])
        #expect(bare.personas == ["1": ["Pet Owner"]])
    }

    @Test func acceptsOneObjectPerLineAsInThePaper() {
        let outcome = parser.parse("{\"1\": [\"Pet Owner\"]}\n{\"2\": [\"Tea Lover\"]}", askedUserIDs: ["1", "2"])
        #expect(outcome.personas == ["1": ["Pet Owner"], "2": ["Tea Lover"]])
    }

    @Test func normalisesCaseAndSpacing() {
        let outcome = parser.parse(#"{"1": ["  pet   OWNER ", "VINTAGE AND\tRETRO enthusiast"]}"#, askedUserIDs: ["1"])
        #expect(outcome.personas["1"] == ["Pet Owner", "Vintage and Retro Enthusiast"])
        #expect(outcome.unknownPersonaCount == 0)
    }

    @Test func unrepresentableInAnyCaseIsAnAnswer() {
        let outcome = parser.parse(
            #"{"1": ["UNREPRESENTABLE"], "2": ["unrepresentable", "Pet Owner"]}"#, askedUserIDs: ["1", "2"])
        #expect(outcome.personas == ["1": [], "2": ["Pet Owner"]])
        #expect(outcome.unrepresentableCount == 1)
        #expect(outcome.missingUserIDs.isEmpty)
    }

    @Test func dropsAndCountsUnknownNames() {
        let outcome = parser.parse(
            #"{"1": ["Pet Owner", "Time Traveller", "Cat Person"], "2": ["Nope"]}"#, askedUserIDs: ["1", "2"])
        #expect(outcome.personas == ["1": ["Pet Owner"]])
        #expect(outcome.unknownPersonaCount == 3)
        #expect(outcome.unknownPersonaNames == ["Time Traveller", "Cat Person", "Nope"])
        #expect(outcome.missingUserIDs == ["2"])
    }

    @Test func ignoresAndCountsUsersNotAskedAbout() {
        let outcome = parser.parse(
            #"{"1": ["Pet Owner"], "99": ["Tea Lover"], "98": ["Tea Lover"]}"#, askedUserIDs: ["1", "3"])
        #expect(outcome.personas == ["1": ["Pet Owner"]])
        #expect(outcome.unexpectedUserIDCount == 2)
        #expect(outcome.missingUserIDs == ["3"])
    }

    @Test func keepsTheFirstFivePersonasAndCountsTheRest() {
        let names = LLMFixtures.personaNames.map { "\"\($0)\"" }.joined(separator: ", ")
        let outcome = parser.parse("{\"1\": [\(names), \"pet owner\"]}", askedUserIDs: ["1"])
        #expect(outcome.personas["1"] == Array(LLMFixtures.personaNames.prefix(5)))
        #expect(outcome.excessPersonaCount == 2)
        #expect(outcome.duplicatePersonaCount == 1)
    }

    @Test func nonJSONIsAParseFailureWithEveryoneMissing() {
        for content in ["Sure! Here you go: {\"1\": [\"Pet Owner\"]}", "{\"1\": [\"Pet", "", "[\"Pet Owner\"]", "null"]
        {
            let outcome = parser.parse(content, askedUserIDs: ["1", "2"])
            #expect(outcome.parseFailures == 1, "\(content)")
            #expect(outcome.missingUserIDs == ["1", "2"])
            #expect(outcome.personas.isEmpty)
        }
    }

    @Test func readsStringValuesAndRejectsOtherShapes() {
        let outcome = parser.parse(
            #"{"1": "Pet Owner, Tea Lover", "2": "Pet Owner", "3": 7, "4": ["Pet Owner", 3], "5": []}"#,
            askedUserIDs: ["1", "2", "3", "4", "5"])
        #expect(outcome.personas == ["1": ["Pet Owner", "Tea Lover"], "2": ["Pet Owner"]])
        #expect(outcome.invalidEntryCount == 2)
        #expect(outcome.missingUserIDs == ["3", "4", "5"])
    }
}
