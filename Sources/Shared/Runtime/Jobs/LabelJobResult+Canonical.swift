import Foundation

extension LabelJobResult {
    /// The result as ``JobCoding/encode(_:)`` writes it (sorted keys, no whitespace), byte for byte, with the
    /// labeled users written by hand; the counters and failures (few, with free-form strings) still go through
    /// `JSONEncoder`.
    ///
    /// A label job's result holds an object per user (1,000 per job in a 1M-user run), and `JSONEncoder`'s cost per
    /// object was 7 % of a worker's CPU in a distributed run; `JSONDecoder`'s, reading them back, 2.4 % of the
    /// coordinator's, on the run's critical path. `LabelJobResultCanonicalTests` checks the bytes against
    /// `JSONEncoder`'s.
    func encodedCanonical() throws -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(32 + labeled.count * 32)
        out.append(contentsOf: #"{"counters":"#.utf8)
        out.append(contentsOf: try JobCoding.encode(counters))
        out.append(contentsOf: #","failed":"#.utf8)
        out.append(contentsOf: try JobCoding.encode(failed))
        out.append(contentsOf: #","labeled":["#.utf8)
        for (index, entry) in labeled.enumerated() {
            out.append(contentsOf: index == 0 ? #"{"personas":"#.utf8 : #",{"personas":"#.utf8)
            out.appendJSON(entry.personas)
            out.append(contentsOf: #","user":"#.utf8)
            out.appendJSON(entry.user)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return Data(out)
    }

    /// Reads a result written as ``encodedCanonical()`` writes one with no failures and plain counter names (every
    /// result of a run whose users all got an answer), or returns `nil` for anything else, which the caller hands
    /// to `JSONDecoder`. A fast path, not a second decoder (``CanonicalScanner``).
    static func decodeCanonical(_ data: Data) -> LabelJobResult? {
        data.withUnsafeBytes { raw -> LabelJobResult? in
            var scanner = CanonicalScanner(bytes: raw.bindMemory(to: UInt8.self))
            guard scanner.expect(#"{"counters":{"#) else { return nil }
            var counters: [String: Int] = [:]
            if !scanner.expect("}") {
                repeat {
                    guard scanner.expect("\""), let name = scanner.string(), scanner.expect(":"),
                        let value = scanner.integer(), counters.updateValue(value, forKey: name) == nil
                    else { return nil }
                } while scanner.expect(",")
                guard scanner.expect("}") else { return nil }
            }
            guard scanner.expect(#","failed":[],"labeled":["#) else { return nil }
            var labeled: [Labeled] = []
            if !scanner.expect("]") {
                repeat {
                    guard scanner.expect(#"{"personas":["#) else { return nil }
                    var personas: [Int] = []
                    if !scanner.expect("]") {
                        repeat {
                            guard let persona = scanner.integer() else { return nil }
                            personas.append(persona)
                        } while scanner.expect(",")
                        guard scanner.expect("]") else { return nil }
                    }
                    guard scanner.expect(#","user":"#), let user = scanner.integer(), scanner.expect("}") else {
                        return nil
                    }
                    labeled.append(Labeled(user: user, personas: personas))
                } while scanner.expect(",")
                guard scanner.expect("]") else { return nil }
            }
            guard scanner.expect("}"), scanner.atEnd else { return nil }
            return LabelJobResult(labeled: labeled, failed: [], counters: counters)
        }
    }
}
