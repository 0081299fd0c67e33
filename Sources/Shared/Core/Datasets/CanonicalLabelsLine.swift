/// A labels-file line spelled exactly as ``LabelsFileWriter`` writes it, `{"user":"…","personas":["…",…]}` with no
/// spaces and no escapes, read without building a JSON object. Generated truth files, `phi.jsonl` and
/// `prototypes.jsonl` are spelled so (unless an id or name needs an escape); any other spelling (spaces, escapes,
/// other members, another order) is left to ``JSONLineScanner``, which reads every valid line and names what is
/// wrong with an invalid one.
///
/// The general scanner builds two dictionaries and a set per line, and hashes every key: at 1M lines that was
/// 3.8 s of CPU for a local run (docs/benchmarks.md, "Reading labels files, writing psi-index.json").
enum CanonicalLabelsLine {
    /// The byte range of the user id and of each persona name (their UTF-8, without quotes), or `nil` when the
    /// line is not in the canonical spelling. `names` is cleared first.
    static func parse(_ line: UnsafeRawBufferPointer, names: inout [Range<Int>]) -> Range<Int>? {
        names.removeAll(keepingCapacity: true)
        var i = 0
        func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard i + count <= line.count else { return false }
            let matches = text.withUTF8Buffer { expected in
                (0..<count).allSatisfy { line[i + $0] == expected[$0] }
            }
            if matches { i += count }
            return matches
        }
        /// The contents of a string with no escape and no control character; the closing quote is consumed.
        func plainString() -> Range<Int>? {
            let start = i
            while i < line.count {
                let byte = line[i]
                if byte == 0x22 {
                    i += 1
                    return start..<(i - 1)
                }
                if byte == 0x5C || byte < 0x20 { return nil }
                i += 1
            }
            return nil
        }
        guard literal("{\"user\":\""), let user = plainString(), literal(",\"personas\":[") else { return nil }
        if !literal("]") {
            while true {
                guard literal("\""), let name = plainString() else { return nil }
                names.append(name)
                if literal("]") { break }
                guard literal(",") else { return nil }
            }
        }
        guard literal("}"), i == line.count else { return nil }
        return user
    }
}
