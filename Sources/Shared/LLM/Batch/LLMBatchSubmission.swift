/// One batch a labeling step submitted: enough to pick it up again after a restart (its id) and to map its
/// answers back (the user ids of each request, by `custom_id`). Holds no secret; stored in the run record.
public struct LLMBatchSubmission: Codable, Sendable, Equatable {
    /// The step it belongs to (``LLMBatchLabeler`` uses `t<iteration>`).
    public var tag: String
    /// 1 for the step's first batch, then one more per re-submission.
    public var attempt: Int
    public var batchID: String
    public var inputFileID: String
    /// `custom_id` → the user ids that request asked about.
    public var requests: [String: [String]]

    public init(tag: String, attempt: Int, batchID: String, inputFileID: String, requests: [String: [String]]) {
        self.tag = tag
        self.attempt = attempt
        self.batchID = batchID
        self.inputFileID = inputFileID
        self.requests = requests
    }
}
