import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore

@Suite(.timeLimit(.minutes(5))) struct PersonaSetTests {
    @Test func normalizesCaseAndWhitespace() {
        #expect(PersonaSet.normalize("  Busy \t  PARENTS\n") == "busy parents")
        #expect(PersonaSet.normalize("") == "")
    }

    @Test func loadsArrayAndWrappedFormsAndFindsByNormalizedName() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let array = try DatasetFixtures.write(
            #"[{"name":"Busy Parents","description":"Kids"},{"name":"Health Enthusiast","description":"Kale"}]"#,
            to: "a.json", in: dir)
        let wrapped = try DatasetFixtures.write(
            #"{"personas":[{"name":"Busy Parents","description":"Kids"},{"name":"Health Enthusiast","description":"Kale"}]}"#,
            to: "b.json", in: dir)
        let a = try PersonaSet(contentsOf: array)
        let b = try PersonaSet(contentsOf: wrapped)
        #expect(a == b)
        #expect(a.names == ["Busy Parents", "Health Enthusiast"])
        #expect(a.index(ofName: "health   ENTHUSIAST ") == 1)
        #expect(a.index(ofName: "Busy Parents") == 0)
        #expect(a.index(ofName: "Bargain Hunter") == nil)
    }

    @Test func writeThenReadRoundTrips() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let set = try PersonaSet([
            Persona(name: "Café \"Regular\"", description: "Line one\nline two, with commas / slashes"),
            Persona(name: "Bargain Hunter", description: ""),
        ])
        try set.write(to: dir.file("p.json"))
        #expect(try PersonaSet(contentsOf: dir.file("p.json")) == set)
    }

    @Test func rejectsDuplicatesAfterNormalization() throws {
        let error = try #require(throws: PersonaSetError.self) {
            try PersonaSet([
                Persona(name: "Busy Parents", description: ""), Persona(name: " busy  parents", description: ""),
            ])
        }
        #expect(error.code == .duplicateName)
    }

    @Test func rejectsEmptySetsEmptyNamesAndUnrepresentable() throws {
        let empty = try #require(throws: PersonaSetError.self) { try PersonaSet([]) }
        #expect(empty.code == .empty)
        let blank = try #require(throws: PersonaSetError.self) {
            try PersonaSet([Persona(name: "  ", description: "x")])
        }
        #expect(blank.code == .emptyName)
        let reserved = try #require(throws: PersonaSetError.self) {
            try PersonaSet([Persona(name: "unrepresentable", description: "x")])
        }
        #expect(reserved.code == .reservedName)
    }

    /// `|` joins a user's personas in phi.csv and a line feed splits any line: a name holding either is refused at
    /// load, naming the file and the persona.
    @Test func rejectsNamesThatWouldBreakTheOutputs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for (name, shown) in [("Parents|Kids", "'|'"), ("Two\nLines", "U+A"), ("Tab\tbed", "U+9")] {
            let path = try DatasetFixtures.write(
                #"[{"name": "Bargain Hunter", "description": ""}, {"name": \#(name.debugDescription), "description": ""}]"#,
                to: "personas.json", in: dir)
            let error = try #require(throws: PersonaSetError.self) { try PersonaSet(contentsOf: path) }
            #expect(error.code == .invalidCharacter)
            #expect(error.description.contains(path) && error.description.contains("persona #2"), "\(error)")
            #expect(error.description.contains(shown), "\(error)")
        }
        // Quotes and commas are fine: the CSV files quote them.
        #expect(try PersonaSet([Persona(name: "Café \"Regular\", Inc.", description: "")]).count == 1)
    }

    @Test func errorsNameTheFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try DatasetFixtures.write("[]", to: "empty.json", in: dir)
        let empty = try #require(throws: PersonaSetError.self) { try PersonaSet(contentsOf: path) }
        #expect(empty.code == .empty && empty.file == path && empty.description.contains(path))
        let bad = try DatasetFixtures.write(#"{"name": 3}"#, to: "bad.json", in: dir)
        let malformed = try #require(throws: PersonaSetError.self) { try PersonaSet(contentsOf: bad) }
        #expect(malformed.code == .malformed && malformed.file == bad)
        let missing = try #require(throws: PersonaSetError.self) {
            try PersonaSet(contentsOf: dir.file("nope.json"))
        }
        #expect(missing.code == .unreadable)
    }
}
