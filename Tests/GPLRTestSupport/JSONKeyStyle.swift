public import Foundation

/// The key style of the JSON gplr prints: snake_case (lower-case ASCII letters, digits, `_`).
public enum JSONKeyStyle {
    /// The keys of a JSON document that are not snake_case, with their paths; keys of the objects under
    /// `opaque` (objects keyed by data: persona names, job kinds) are not checked, their values are.
    public static func violations(in json: Data, opaque: Set<String> = []) throws -> [String] {
        violations(
            of: try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]), path: "", opaque: opaque)
    }

    static func violations(of value: Any, path: String, opaque: Set<String>) -> [String] {
        if let array = value as? [Any] {
            return array.enumerated().flatMap { violations(of: $1, path: "\(path)[\($0)]", opaque: opaque) }
        }
        guard let object = value as? [String: Any] else { return [] }
        let isOpaque = opaque.contains(String(path.split(separator: ".").last ?? ""))
        return object.keys.sorted().flatMap { key -> [String] in
            let child = path.isEmpty ? key : path + "." + key
            let own = isOpaque || isSnakeCase(key) ? [] : [child]
            return own + violations(of: object[key]!, path: child, opaque: opaque)
        }
    }

    public static func isSnakeCase(_ key: String) -> Bool {
        !key.isEmpty
            && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
