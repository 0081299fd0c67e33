import Foundation

/// A strict check of a Prometheus text exposition (format 0.0.4), in the spirit of `promtool check metrics`
/// (which is not available offline): the rules of the format, plus this project's own.
///
/// Format: `# HELP` and `# TYPE` at most once per family and before its samples; a family's samples together;
/// metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*` (not `__…`), label values quoted
/// with only `\\`, `\"` and `\n` escaped; values that parse as floats (`+Inf`, `-Inf`, `NaN` included); no series
/// twice; histogram samples named `_bucket` (with `le`), `_sum`, `_count`, buckets cumulative, ending at
/// `le="+Inf"` equal to `_count`.
/// Project rules: every family has a non-empty `# HELP` and a `# TYPE`; counters end in `_total`; the values of
/// the enumerated labels (``snakeCaseLabels``) are snake_case.
public enum PrometheusExpositionCheck {
    /// Labels whose values are identifiers of ours, which must be snake_case.
    public static let snakeCaseLabels: Set<String> = ["outcome", "result", "tier", "state"]

    /// The problems found, one line each (empty: the exposition passes).
    public static func problems(in text: String) -> [String] {
        var checker = Checker()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            checker.check(line: String(line), number: index + 1)
        }
        checker.finish(endsWithNewline: text.isEmpty || text.hasSuffix("\n"))
        return checker.problems
    }

    struct Family {
        var help: String?
        var type: String?
        var sampled = false
    }

    struct Checker {
        var problems: [String] = []
        var families: [String: Family] = [:]
        /// The family whose lines come now; a family seen before that starts again is interleaved.
        var current: String?
        var closed: Set<String> = []
        var series: Set<String> = []
        /// Histogram buckets per series (family + labels without `le`): (le, value) in order.
        var buckets: [String: [(Double, Double)]] = [:]
        var counts: [String: Double] = [:]

        mutating func fail(_ number: Int, _ message: String) {
            problems.append("line \(number): \(message)")
        }

        mutating func enter(_ family: String, _ number: Int) {
            guard current != family else { return }
            if let current { closed.insert(current) }
            if closed.contains(family) { fail(number, "the lines of \(family) are not together") }
            current = family
        }

        mutating func check(line: String, number: Int) {
            if line.isEmpty { return }
            if line.hasPrefix("#") {
                checkComment(line, number)
            } else {
                checkSample(line, number)
            }
        }

        mutating func checkComment(_ line: String, _ number: Int) {
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else { return }
            let name = parts[2]
            guard Self.isMetricName(name) else { return fail(number, "invalid metric name '\(name)'") }
            enter(name, number)
            var family = families[name] ?? Family()
            if family.sampled { fail(number, "# \(parts[1]) of \(name) after its samples") }
            let rest = parts.count > 3 ? parts[3] : ""
            if parts[1] == "HELP" {
                if family.help != nil { fail(number, "a second # HELP for \(name)") }
                if rest.trimmingCharacters(in: .whitespaces).isEmpty { fail(number, "an empty # HELP for \(name)") }
                if !Self.isValidHelp(rest) { fail(number, "an invalid escape in the # HELP of \(name)") }
                family.help = rest
            } else {
                if family.type != nil { fail(number, "a second # TYPE for \(name)") }
                if !["counter", "gauge", "histogram", "summary", "untyped"].contains(rest) {
                    fail(number, "unknown type '\(rest)' for \(name)")
                }
                if rest == "counter", !name.hasSuffix("_total") {
                    fail(number, "counter \(name) does not end in _total")
                }
                family.type = rest
            }
            families[name] = family
        }

        mutating func checkSample(_ line: String, _ number: Int) {
            guard let sample = Sample(parsing: line) else { return fail(number, "not a sample: \(line)") }
            let family = familyName(of: sample.name)
            enter(family, number)
            guard var known = families[family], let type = known.type else {
                return fail(number, "sample \(sample.name) without a # TYPE for \(family)")
            }
            if known.help == nil { fail(number, "\(family) has no # HELP") }
            known.sampled = true
            families[family] = known
            for (label, value) in sample.labels {
                if !Self.isLabelName(label) || label.hasPrefix("__") { fail(number, "invalid label name '\(label)'") }
                if PrometheusExpositionCheck.snakeCaseLabels.contains(label), !Self.isSnakeCase(value) {
                    fail(number, "label \(label)=\"\(value)\" is not snake_case")
                }
            }
            if Set(sample.labels.map(\.0)).count != sample.labels.count { fail(number, "a label twice: \(line)") }
            let key =
                sample.name + "{"
                + sample.labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(
                    separator: ",") + "}"
            if !series.insert(key).inserted { fail(number, "duplicate series \(key)") }
            if type == "histogram" { checkHistogram(sample, family: family, number) }
            if type == "counter", sample.value < 0 || sample.value.isNaN { fail(number, "negative counter: \(line)") }
        }

        mutating func checkHistogram(_ sample: Sample, family: String, _ number: Int) {
            let others = sample.labels.filter { $0.0 != "le" }.sorted { $0.0 < $1.0 }
            let key = family + "{" + others.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
            switch sample.name {
            case family + "_bucket":
                guard let le = sample.labels.first(where: { $0.0 == "le" })?.1, let bound = Sample.number(le) else {
                    return fail(number, "a bucket without a numeric le: \(sample.name)")
                }
                if let last = buckets[key]?.last, last.0 >= bound || last.1 > sample.value {
                    fail(number, "buckets of \(key) are not increasing and cumulative")
                }
                buckets[key, default: []].append((bound, sample.value))
            case family + "_count": counts[key] = sample.value
            case family + "_sum": break
            default: fail(number, "\(sample.name) in histogram \(family)")
            }
        }

        /// `x_bucket`, `x_sum`, `x_count` belong to histogram `x` when `x` is declared one.
        func familyName(of name: String) -> String {
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                if families[base]?.type == "histogram" || families[base]?.type == "summary" { return base }
            }
            return name
        }

        mutating func finish(endsWithNewline: Bool) {
            if !endsWithNewline { problems.append("the exposition does not end with a line feed") }
            for (name, family) in families.sorted(by: { $0.key < $1.key }) {
                if family.help == nil { problems.append("\(name) has no # HELP") }
                if family.type == nil { problems.append("\(name) has no # TYPE") }
            }
            for (key, list) in buckets.sorted(by: { $0.key < $1.key }) {
                guard let last = list.last, last.0 == .infinity else {
                    problems.append("\(key) has no le=\"+Inf\" bucket")
                    continue
                }
                if counts[key] != last.1 { problems.append("\(key): _count differs from the +Inf bucket") }
            }
        }

        static func isMetricName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else {
                return false
            }
            return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
        }

        static func isLabelName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
            return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
        }

        static func isSnakeCase(_ value: String) -> Bool {
            !value.isEmpty
                && value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0.isASCIIDigit || $0 == "_" }
        }

        /// In HELP text only `\\` and `\n` are escapes.
        static func isValidHelp(_ text: String) -> Bool {
            var escaped = false
            for character in text {
                if escaped {
                    guard character == "\\" || character == "n" else { return false }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                }
            }
            return !escaped
        }
    }

    /// One sample line: `name{label="value",...} value [timestamp]`.
    struct Sample {
        var name: String
        var labels: [(String, String)] = []
        var value: Double

        init?(parsing line: String) {
            let characters = Array(line)
            var index = 0
            while index < characters.count, characters[index] != "{", characters[index] != " " { index += 1 }
            name = String(characters[0..<index])
            guard Checker.isMetricName(name) else { return nil }
            if index < characters.count, characters[index] == "{" {
                index += 1
                while index < characters.count, characters[index] != "}" {
                    let start = index
                    while index < characters.count, characters[index] != "=" { index += 1 }
                    let label = String(characters[start..<index])
                    index += 1
                    guard index < characters.count, characters[index] == "\"" else { return nil }
                    index += 1
                    var value = ""
                    while index < characters.count, characters[index] != "\"" {
                        if characters[index] == "\\" {
                            index += 1
                            guard index < characters.count else { return nil }
                            switch characters[index] {
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            case "n": value.append("\n")
                            default: return nil
                            }
                        } else {
                            value.append(characters[index])
                        }
                        index += 1
                    }
                    guard index < characters.count else { return nil }
                    index += 1
                    labels.append((label, value))
                    if index < characters.count, characters[index] == "," { index += 1 }
                }
                guard index < characters.count else { return nil }
                index += 1
            }
            guard index < characters.count, characters[index] == " " else { return nil }
            let rest = String(characters[(index + 1)...]).split(separator: " ", omittingEmptySubsequences: false)
            guard rest.count == 1 || (rest.count == 2 && Int64(rest[1]) != nil),
                let value = Self.number(String(rest[0]))
            else { return nil }
            self.value = value
        }

        static func number(_ text: String) -> Double? {
            switch text {
            case "+Inf": return .infinity
            case "-Inf": return -.infinity
            case "NaN": return .nan
            default: return Double(text)
            }
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
