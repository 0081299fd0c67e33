import Foundation
import GPLRLLM

extension LLMSimulator {
    /// The chat completion answering `chat` with `fault` applied (`honour`: within its schema), counted in the
    /// statistics: what `POST /v1/chat/completions` answers and what each batch line gets.
    func completion(
        for chat: ChatCompletionWire.Request, id: String, fault: LLMSimulatorFault?, honour: Bool
    ) -> ChatCompletionWire.Response {
        let schema = chat.responseFormat?.type == "json_schema" ? chat.responseFormat?.jsonSchema : nil
        let prompt = chat.messages.last(where: { $0.role == "user" })?.content ?? ""
        let (content, userIDs) = self.content(forPrompt: prompt, fault: fault, structured: honour)
        if honour, let schema, !JSONSchemaCheck.conforms(content, to: schema.schema) {
            state.withLock { $0.statistics.schemaViolations += 1 }
        }
        let promptTokens = tokens(chat.messages.reduce(0) { $0 + $1.content.count })
        let usage = TokenUsage(
            promptTokens: promptTokens, completionTokens: tokens(content.count),
            cachedPromptTokens: Int(Double(promptTokens) * configuration.cachedPromptTokenRate))
        state.withLock {
            $0.statistics.completions += 1
            $0.statistics.userAnswers += userIDs.count
            for user in userIDs { $0.statistics.answersByUser[user, default: 0] += 1 }
            $0.statistics.promptTokens += usage.promptTokens
            $0.statistics.completionTokens += usage.completionTokens
            $0.statistics.cachedPromptTokens += usage.cachedPromptTokens
            $0.statistics.maxPromptTokensPerRequest = max($0.statistics.maxPromptTokensPerRequest, usage.promptTokens)
            $0.statistics.maxCompletionTokensPerRequest = max(
                $0.statistics.maxCompletionTokensPerRequest, usage.completionTokens)
        }
        return ChatCompletionWire.Response(
            id: id, created: Int(Date().timeIntervalSince1970), model: chat.model,
            choices: [.init(index: 0, message: .init(role: "assistant", content: content), finishReason: "stop")],
            usage: usage)
    }
}
