import GPLRCore
import Logging

/// What ``LLMLabeler``, ``LLMBatchLabeler`` and ``ItemLabeler`` do alike around their requests: ask about each
/// user (item) once by its external id, and turn the answers by id back into a ``LabelingBatch`` by index.
extension LabelingBatch {
    /// The distinct entries of `indices` in order of first appearance, and the index of each one's id in `ids`
    /// (the graph's `userIDs` or `itemIDs`).
    static func distinct(_ indices: [Int], ids: [String]) -> (unique: [Int], indexByID: [String: Int]) {
        var seen = Set<Int>()
        let unique = indices.filter { seen.insert($0).inserted }
        var indexByID: [String: Int] = [:]
        for index in unique { indexByID[ids[index]] = index }
        return (unique, indexByID)
    }

    /// The batch of a collector's `result`: its answers and failures by index (as
    /// ``addAnswers(_:indexByID:personas:)`` and ``addFailures(_:indexByID:)`` add them) and its counters.
    /// - Throws: the ``LLMSpendingCapReached`` that refused one of its requests: past the cap a batch does not count,
    ///   whatever answers arrived.
    init(_ result: LLMAnswerCollector.Result, indexByID: [String: Int], personas: PersonaSet) throws {
        if let reached = result.capReached { throw reached }
        self.init(counters: result.counters)
        addAnswers(result.answers, indexByID: indexByID, personas: personas)
        addFailures(result.failures, indexByID: indexByID)
    }

    /// Adds `answers` (canonical persona names by id): each id of `indexByID` gets the indices of its names in
    /// `personas`, ascending and unique; ids not in `indexByID` are ignored.
    mutating func addAnswers(_ answers: [String: [String]], indexByID: [String: Int], personas: PersonaSet) {
        for (id, names) in answers {
            guard let index = indexByID[id] else { continue }
            labels[index] = Array(Set(names.compactMap { personas.index(ofName: $0) })).sorted()
        }
    }

    /// Adds `failures` (why no answer, by id) for the ids of `indexByID`.
    mutating func addFailures(_ failures: [String: String], indexByID: [String: Int]) {
        for (id, error) in failures {
            guard let index = indexByID[id] else { continue }
            self.failures[index] = error
        }
    }
}

extension LLMAnswerCollector {
    /// The collector of a labeler of `personas` that accepts at most `maxPersonas` names per answer; logs to
    /// `logger`, else nowhere; tells `observer` (if any) of every attempt and unparsed answer.
    init(
        client: ChatCompletionClient, cache: LLMResponseCache?, personas: PersonaSet, maxPersonas: Int,
        maxAnswerAttempts: Int, logger: Logger?, observer: (any LLMOutcomeObserver)? = nil
    ) {
        self.init(
            client: client, cache: cache,
            parser: LabelingResponseParser(personas: personas.names, maxPersonasPerUser: maxPersonas),
            maxAnswerAttempts: maxAnswerAttempts,
            logger: logger ?? Logger(label: "gplr.llm", factory: { _ in SwiftLogNoOpLogHandler() }),
            observer: observer)
    }
}
