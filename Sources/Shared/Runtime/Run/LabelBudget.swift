/// τ: how many prototype users the LLM may label in a whole run, as a share of all users or a count.
public enum LabelBudget: Sendable, Hashable, Codable, CustomStringConvertible {
    case fraction(Double)
    case count(Int)

    /// Parses "10%", "0.1" (a fraction) or "5000" (a count).
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 {
            self = .fraction(percent / 100)
        } else if let count = Int(trimmed), count > 0 {
            self = .count(count)
        } else if let fraction = Double(trimmed), fraction > 0, fraction <= 1 {
            self = .fraction(fraction)
        } else {
            return nil
        }
    }

    /// The total number of users to label in a graph of `userCount` users (at least 1, at most all).
    public func total(userCount: Int) -> Int {
        switch self {
        case .fraction(let share): return min(userCount, max(1, Int((share * Double(userCount)).rounded())))
        case .count(let count): return min(userCount, max(1, count))
        }
    }

    /// The users to label in iteration `iteration` (1-based) of `iterations`: τ/T each, the remainder spread
    /// over the first iterations so the total is exactly τ.
    public func perIteration(_ iteration: Int, of iterations: Int, userCount: Int) -> Int {
        let total = total(userCount: userCount)
        return total / iterations + (iteration <= total % iterations ? 1 : 0)
    }

    public var description: String {
        switch self {
        case .fraction(let share): return "\(share * 100)%"
        case .count(let count): return "\(count)"
        }
    }
}
