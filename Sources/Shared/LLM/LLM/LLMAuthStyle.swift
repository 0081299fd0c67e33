/// How the API key goes onto a chat completions request.
public enum LLMAuthStyle: String, Codable, Sendable, Hashable, CaseIterable {
    /// `Authorization: Bearer <key>` (OpenAI, vLLM, llama.cpp's server, Gemini's OpenAI-compatible endpoint).
    case bearer
    /// `api-key: <key>` (Azure OpenAI).
    case apiKey = "api-key"
    /// No key is sent, even when one is configured (local servers such as Ollama).
    case none

    /// Whether calls need a key at all.
    public var needsKey: Bool { self != .none }
}
