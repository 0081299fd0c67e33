import Foundation
import Testing

@testable import GPLRRuntime

/// The queue reads envelopes in the form `encoded()` writes without `JSONDecoder`: wherever that fast path
/// accepts bytes it must agree with `JSONDecoder`, and it must accept what the queue's own writers produce.
@Suite struct JobEnvelopeCanonicalTests {
    static let ids = [
        "label-b0-9f2c1e7a55d04b3e", "a/b/c", "with \"quotes\"", "back\\slash", "ünïcødé ✓", "tab\there", "", "x",
    ]

    @Test(arguments: ids)
    func agreesWithJSONDecoderOnWhatTheEncoderWrites(id: String) throws {
        var generator = SystemRandomNumberGenerator()
        for size in [0, 1, 2, 3, 47, 48, 1000] {
            let payload = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
            for attempt in [0, 7, 1_000_000] {
                let envelope = JobEnvelope(
                    id: id, runID: "run/" + id, kind: JobKind(rawValue: "affinity"), payload: payload, attempt: attempt)
                let bytes = try envelope.encoded()
                let reference = try JSONDecoder().decode(JobEnvelope.self, from: bytes)
                #expect(reference == envelope)
                let fast = JobEnvelope.decodeCanonical(bytes)
                if let fast { #expect(fast == reference) }
                // Ids without escapes other than `\/` (every id the registry builds) take the fast path.
                let plain = !id.contains { $0 == "\"" || $0 == "\\" || ($0.asciiValue ?? 0x20) < 0x20 }
                #expect(
                    (fast != nil) == plain,
                    "fast path taken: \(fast != nil) for \(String(decoding: bytes, as: UTF8.self))")
                #expect(try JobEnvelope.decode(bytes) == envelope)
            }
        }
    }

    @Test(arguments: [
        #"{"attempt":0,"id":"j","kind":"k","payload":"","runID":"r","version":1} "#,
        #"{"attempt":00,"id":"j","kind":"k","payload":"","runID":"r","version":1}"#,
        #"{"attempt":-1,"id":"j","kind":"k","payload":"","runID":"r","version":1}"#,
        #"{"attempt":0,"id":"j","kind":"k","payload":"!!","runID":"r","version":1}"#,
        #"{"attempt":0,"id":"j\u0041","kind":"k","payload":"","runID":"r","version":1}"#,
        #"{"id":"j","attempt":0,"kind":"k","payload":"","runID":"r","version":1}"#,
        #"{"attempt":0,"id":"j","kind":"k","payload":"","runID":"r","version":1"#,
        #"{"attempt":0,"id":"j","kind":"k","payload":"","runID":"r","version":1.5}"#,
        #"{"attempt":0,"id":"j\/","kind":"k","payload":"","runID":"r","version":1}x"#,
    ])
    func leavesEveryOtherFormToJSONDecoder(text: String) {
        #expect(JobEnvelope.decodeCanonical(Data(text.utf8)) == nil)
    }

    @Test func readsTheCanonicalFormAndRefusesOtherVersionsByIt() throws {
        let text = #"{"attempt":3,"id":"a\/b","kind":"label","payload":"AAkA","runID":"r1","version":1}"#
        let envelope = try #require(JobEnvelope.decodeCanonical(Data(text.utf8)))
        #expect(
            envelope
                == JobEnvelope(id: "a/b", runID: "r1", kind: "label", payload: Data([0, 9, 0]), attempt: 3, version: 1))
        let other = Data(text.replacingOccurrences(of: #""version":1"#, with: #""version":2"#).utf8)
        #expect(JobEnvelope.decodeCanonical(other)?.version == 2)
        #expect(throws: JobQueueError.self) { try JobEnvelope.decode(other) }
    }
}
