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

    private static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}
