public import Foundation

extension LLMConfiguration {
    /// Reads `OPENAI_BASE_URL`, `GPLR_LLM_MODEL` and the API key over the defaults in `base`.
    ///
    /// The key comes from `keyFile` when given (its contents, trimmed), else from `OPENAI_API_KEY`; with
    /// neither, `apiKey` stays as in `base`.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, keyFile: String? = nil,
        base: LLMConfiguration = LLMConfiguration()
    ) throws(LLMConfigurationError) -> LLMConfiguration {
        var configuration = base
        if let url = nonEmpty(environment["OPENAI_BASE_URL"]) {
            guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https", components.host?.isEmpty == false
            else {
                throw LLMConfigurationError(
                    code: .invalidValue, message: "not an http(s) URL", source: "OPENAI_BASE_URL")
            }
            configuration.baseURL = url
        }
        if let model = nonEmpty(environment["GPLR_LLM_MODEL"]) { configuration.model = model }
        if let keyFile {
            configuration.apiKey = try readKey(from: keyFile)
        } else if let key = nonEmpty(environment["OPENAI_API_KEY"]) {
            configuration.apiKey = LLMAPIKey(key)
        }
        return configuration
    }

    /// The key stored in the file at `path`, surrounding whitespace removed.
    public static func readKey(from path: String) throws(LLMConfigurationError) -> LLMAPIKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LLMConfigurationError(code: .unreadableKeyFile, message: "cannot read the API key file", source: path)
        }
        guard let key = nonEmpty(String(decoding: data, as: UTF8.self)) else {
            throw LLMConfigurationError(code: .emptyKeyFile, message: "the API key file is empty", source: path)
        }
        return LLMAPIKey(key)
    }

    /// The headers in the file at `path`: one `Name: value` per line; blank lines and lines starting with `#`
    /// are skipped. Errors name the file and line, never a value.
    public static func readHeaders(from path: String) throws(LLMConfigurationError) -> [LLMHeader] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LLMConfigurationError(code: .unreadableKeyFile, message: "cannot read the header file", source: path)
        }
        var headers: [LLMHeader] = []
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            headers.append(try LLMHeader(parsing: text, source: "\(path):\(number + 1)"))
        }
        return headers
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}
