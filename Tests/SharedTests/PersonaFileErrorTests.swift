import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

/// A bad persona file is refused naming the entry and what it lacks, in the shape the file has.
@Suite(.timeLimit(.minutes(5))) struct PersonaFileErrorTests {
    private func error(loading json: String) throws -> PersonaSetError {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try DatasetFixtures.write(json, to: "personas.json", in: directory)
        return try #require(throws: PersonaSetError.self) { try PersonaSet(contentsOf: path) }
    }

    @Test func aPersonaWithoutDescriptionIsNamed() throws {
        let refused = try error(
            loading: #"[{"name": "Bargain Hunter", "description": "Deals"}, {"name": "Busy Parents"}]"#)
        #expect(refused.code == .malformed)
        #expect(refused.message == #"persona #2 ("Busy Parents") has no "description""#, "\(refused)")
        #expect(!refused.description.contains("Dictionary"), "\(refused)")
    }

    @Test func aPersonaWithoutNameIsNamedInTheWrappedForm() throws {
        let refused = try error(loading: #"{"personas": [{"name": "A", "description": "a"}, {"description": "b"}]}"#)
        #expect(refused.message == #"persona #2 has no "name""#, "\(refused)")
    }

    @Test func aWrongTypeNamesTheEntryAndField() throws {
        let refused = try error(loading: #"[{"name": "A", "description": "a"}, {"name": 7, "description": "b"}]"#)
        #expect(refused.message.hasPrefix("persona #2.name: "), "\(refused)")
        #expect(!refused.description.contains("Context("), "\(refused)")
    }

    @Test func anObjectWithoutPersonasAndBadJSONAreSaidSo() throws {
        #expect(try error(loading: #"{"persona": []}"#).message == #"the object has no "personas" array"#)
        let broken = try error(loading: #"[{"name": "A", "description": "a"},"#)
        #expect(broken.code == .malformed)
        #expect(!broken.description.contains("NSCocoaErrorDomain"), "\(broken)")
    }
}
