import Crypto
import Foundation
import GPLRHTTP

extension ChatCompletionRequest {
    /// The identity of this request for the response cache: the lowercase hex SHA-256 of a canonical JSON
    /// of the endpoint (``LLMConfiguration/chatCompletionsURL`` without credentials or query), the model, the
    /// messages, temperature, `max_tokens` and response format. The API key is not part of it: the same
    /// question asked with another key has the same answer, and no function of the key reaches Redis.
    func cacheHash(configuration: LLMConfiguration) -> String {
        struct Canonical: Encodable {
            var endpoint: String
            var model: String
            var messages: [ChatMessage]
            var temperature: Double?
            var maxTokens: Int?
            var responseFormat: String?
        }
        let canonical = Canonical(
            endpoint: HTTPClientRequest.redact(configuration.chatCompletionsURL), model: model ?? configuration.model,
            messages: messages, temperature: temperature, maxTokens: maxTokens,
            responseFormat: jsonObjectResponse ? "json_object" : nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and arrays cannot fail; an empty body would still hash consistently.
        let data = (try? encoder.encode(canonical)) ?? Data()
        return SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
