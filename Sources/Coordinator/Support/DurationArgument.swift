import ArgumentParser

/// A duration on the command line: a number with a unit, `30s`, `90m`, `12h`, `3d`, `2w` (a bare number is
/// seconds).
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable, CustomStringConvertible {
    let duration: Duration
    let text: String

    init?(argument: String) {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        var digits = Substring(argument)
        var unit: Int64 = 1
        if let last = argument.last, let seconds = units[last] {
            unit = seconds
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits), value >= 0,
            value <= Int64.max / 604_800
        else { return nil }
        duration = .seconds(value * unit)
        text = argument
    }

    var description: String { text }
    var defaultValueDescription: String { text }
}
