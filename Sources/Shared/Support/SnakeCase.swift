/// The snake_case spelling of identifiers for what other programs read (metric label values, JSON keys):
/// `rateLimited` → `rate_limited`, `llm.prompt-tokens` → `llm_prompt_tokens`, `HTTPStatus` → `http_status`.
package enum SnakeCase {
    /// `text` in lower case, with `_` at each lower-to-upper step and in place of `.`, `-` and spaces.
    package static func convert(_ text: String) -> String {
        var result = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == "." || character == "-" || character == " " {
                if !result.isEmpty, result.last != "_" { result.append("_") }
                continue
            }
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A new word starts at an upper-case letter after a lower-case letter or digit, or at the last
                // capital of an acronym followed by a lower-case letter (`HTTPStatus`: `http_status`).
                if previous.isLowercase || previous.isNumber
                    || (previous.isUppercase && next?.isLowercase == true)
                {
                    if result.last != "_" { result.append("_") }
                }
            }
            result += character.lowercased()
        }
        return result
    }
}
