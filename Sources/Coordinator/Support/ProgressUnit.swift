import Foundation

/// What a progress display counts.
enum ProgressUnit: Sendable, Equatable {
    /// Things, named by a plural noun ("users", "jobs"; empty for none), with thousands separators.
    case items(String)
    /// Bytes, in binary units.
    case bytes

    /// `value` in this unit, without the noun.
    func amount(_ value: Int) -> String {
        switch self {
        case .items: Console.count(value)
        case .bytes: Console.bytes(value)
        }
    }

    /// " users", or "" for bytes and nameless items.
    var suffix: String {
        switch self {
        case .items(let noun): noun.isEmpty ? "" : " " + noun
        case .bytes: ""
        }
    }

    /// `perSecond` as a rate: "8,123/s", "2.5/s", "85.3 MiB/s".
    func rate(_ perSecond: Double) -> String {
        switch self {
        case .items: perSecond >= 100 ? "\(Console.count(Int(perSecond)))/s" : String(format: "%.1f/s", perSecond)
        case .bytes: "\(Console.bytes(Int(perSecond)))/s"
        }
    }
}
