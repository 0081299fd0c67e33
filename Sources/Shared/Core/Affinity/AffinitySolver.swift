/// Which solver computes Ψ_raw: the exact T-step walk, or RevAff with push threshold ε (DESIGN §3, on the
/// raw-share scale). A value rather than an optional ε, so a payload or report says what it means.
///
/// JSON: `{"name":"exact"}` or `{"name":"revaff","epsilon":0.01}`.
public enum AffinitySolver: Sendable, Hashable, Codable, CustomStringConvertible {
    case exact
    case revAff(epsilon: Double)

    /// `.revAff(ε)` for an ε, `.exact` for none (the CLI's `--epsilon`).
    public init(epsilon: Double?) {
        self = epsilon.map { .revAff(epsilon: $0) } ?? .exact
    }

    /// ε of RevAff, `nil` for the exact solver.
    public var epsilon: Double? {
        if case .revAff(let epsilon) = self { return epsilon }
        return nil
    }

    public var description: String {
        switch self {
        case .exact: "exact"
        case .revAff(let epsilon): "revaff(ε=\(epsilon))"
        }
    }

    private enum CodingKeys: String, CodingKey { case name, epsilon }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .name) {
        case "exact": self = .exact
        case "revaff": self = .revAff(epsilon: try container.decode(Double.self, forKey: .epsilon))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .name, in: container, debugDescription: "unknown solver '\(other)' (exact, revaff)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .exact:
            try container.encode("exact", forKey: .name)
        case .revAff(let epsilon):
            try container.encode("revaff", forKey: .name)
            try container.encode(epsilon, forKey: .epsilon)
        }
    }
}
