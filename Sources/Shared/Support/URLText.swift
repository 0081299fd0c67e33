import Foundation

/// URLs as they may be shown: what messages, logs and dry runs print of a URL that may carry a secret.
public enum URLText {
    /// `url` without user info, query or fragment; `nil` when it does not parse as a URL.
    public static func withoutSecrets(_ url: String) -> String? {
        guard var components = URLComponents(string: url) else { return nil }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string
    }
}
