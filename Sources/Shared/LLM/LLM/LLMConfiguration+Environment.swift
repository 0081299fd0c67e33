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
        return try parseHeaders(String(decoding: data, as: UTF8.self), source: path)
    }

    /// The headers in the environment variable `name` (`--llm-header-env`), written as in a header file: one
    /// `Name: value` per line, `#` comments. A variable that is not set is an error; its value is never shown.
    public static func readHeaders(
        environmentVariable name: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LLMConfigurationError) -> [LLMHeader] {
        guard let text = environment[name] else {
            throw LLMConfigurationError(
                code: .invalidValue, message: "the environment variable of --llm-header-env is not set",
                source: "$" + name)
        }
        return try parseHeaders(text, source: "$" + name)
    }

    /// The extra headers of a process's LLM requests, from its three sources in the order they are applied: the
    /// header file (`--llm-header-file`), the environment variable (`--llm-header-env`), then each `Name:value`
    /// flag (`--llm-header`). The coordinator's and the worker's flags read them the same way.
    public static func readHeaders(
        file: String?, environmentVariable: String?, flags: [String]
    ) throws(LLMConfigurationError) -> [LLMHeader] {
        var headers = try file.map { path throws(LLMConfigurationError) in try readHeaders(from: path) } ?? []
        if let environmentVariable { headers += try readHeaders(environmentVariable: environmentVariable) }
        for text in flags { headers.append(try LLMHeader(parsing: text)) }
        return headers
    }

    /// `Name: value` lines (blank lines and `#` comments skipped); errors name `source:line`, never a value.
    static func parseHeaders(_ text: String, source: String) throws(LLMConfigurationError) -> [LLMHeader] {
        var headers: [LLMHeader] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            headers.append(try LLMHeader(parsing: text, source: "\(source):\(number + 1)"))
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
