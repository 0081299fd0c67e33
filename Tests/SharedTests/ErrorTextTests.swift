import Foundation
import Testing

@testable import GPLRRuntime
@testable import GPLRSupport

/// Foundation's errors read as sentences, not as `NSCocoaErrorDomain` or `DecodingError.Context` dumps.
@Suite(.timeLimit(.minutes(5))) struct ErrorTextTests {
    private struct Job: Decodable {
        var users: [Int]
        var seed: UInt64
    }

    @Test func decodingErrorsNameThePathAndTheProblem() throws {
        func text(_ json: String) throws -> String {
            let error = try #require(throws: DecodingError.self) {
                try JSONDecoder().decode(Job.self, from: Data(json.utf8))
            }
            return ErrorText.describe(error)
        }
        #expect(try text(#"{"users": [1]}"#) == #""seed" is missing"#)
        #expect(try text(#"{"users": [1, "x"], "seed": 1}"#).hasPrefix("users[1]: "))
        let syntax = try text("not json")
        #expect(syntax.contains("not valid JSON"), "\(syntax)")
        for sample in [try text(#"{"users": [1]}"#), syntax] {
            #expect(!sample.contains("Context(") && !sample.contains("NSCocoaErrorDomain"), "\(sample)")
        }
    }

    @Test func fileErrorsSayWhatHappened() throws {
        let error = try #require(throws: (any Error).self) {
            try FileManager.default.attributesOfItem(atPath: "/nonexistent/gplr/labels.jsonl")
        }
        let text = ErrorText.describe(error)
        #expect(!text.contains("NSCocoaErrorDomain") && !text.contains("UserInfo="), "\(text)")
        #expect(text.contains("exist") || text.lowercased().contains("no such file"), "\(text)")
    }

    @Test func otherErrorsKeepTheirDescription() {
        let error = JobExecutionError(.invalidPayload, "bad", underlying: CocoaError(.fileReadNoSuchFile))
        #expect(ErrorText.describe(error).hasPrefix("invalid-payload: bad ("))
        #expect(!error.description.contains("NSCocoaErrorDomain"), "\(error.description)")
    }
}
