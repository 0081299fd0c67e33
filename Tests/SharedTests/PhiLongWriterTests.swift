import Foundation
import GPLRTestSupport
import Testing

@testable import GPLRCore
@testable import GPLRRuntime

/// `phi-long.csv`'s rows, byte for byte: each field quoted only when it needs it (a user id or a persona name with
/// a comma or a quote, escaped once and repeated on each of the user's rows), ranks from 1, scores as Swift prints
/// them, no row for a user without personas.
@Suite(.timeLimit(.minutes(1))) struct PhiLongWriterTests {
    @Test func rowsQuoteOnlyWhatNeedsIt() throws {
        let directory = try TemporaryDirectory(prefix: "gplr-phi-long")
        defer { directory.remove() }
        let personas = try PersonaSet([
            Persona(name: "Plain", description: "p"), Persona(name: "Say \"Hi\", Inc.", description: "q"),
        ])
        let path = directory.file("phi-long.csv")
        let writer = try PhiLongWriter(path: path, personas: personas)
        let scores: [Int: Double] = [0: 0.25, 1: 1e-05]
        try writer.append(user: "u1", personas: [1, 0], score: { scores[$0]! }, isPrototype: false)
        try writer.append(user: "a,b", personas: [0, 1], score: { scores[$0]! }, isPrototype: true)
        try writer.append(user: "nobody", personas: [Int](), score: { _ in 0 }, isPrototype: false)
        try writer.append(user: "q\"x", personas: [0], score: { _ in 0.1 + 0.2 }, isPrototype: false)
        try writer.close()
        let expected = """
            user,persona,rank,score,source
            u1,"Say ""Hi"", Inc.",1,1e-05,inferred
            u1,Plain,2,0.25,inferred
            "a,b",Plain,1,0.25,prototype
            "a,b","Say ""Hi"", Inc.",2,1e-05,prototype
            "q""x",Plain,1,0.30000000000000004,inferred

            """
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }

    /// `phi.csv` writes persona names as plain bytes when none needs quoting: the predicate it asks must say
    /// "quote" exactly for the fields the CSV writer would change.
    @Test func theQuotingPredicateAgreesWithTheWriter() {
        for field in ["", "Plain", "a,b", "Say \"Hi\"", "two\nlines", "cr\rhere", "Café | Bar", "émoji 🛒"] {
            let quoted = BufferedFileWriter.csvFieldBytes(field) != Array(field.utf8)
            #expect(BufferedFileWriter.needsCSVQuotes(field) == quoted, "\(field)")
        }
        #expect(BufferedFileWriter.needsCSVQuotes("a,b") && !BufferedFileWriter.needsCSVQuotes("Plain"))
    }
}
