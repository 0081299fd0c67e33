/// One point of a run's history (`<prefix>:{run:<id>}:series`, ``RunSeriesStore``): the run's job counts, failed
/// attempts, LLM spend and LLM outcomes at one moment. JSON keys in snake_case, as the dashboard serves them.
public struct RunSample: Codable, Sendable, Equatable {
    /// Counts of one job kind of the run.
    public struct Kind: Codable, Sendable, Equatable {
        public var enqueued: Int
        public var done: Int
        public var running: Int
        public var queued: Int
        public var dead: Int

        public init(enqueued: Int, done: Int, running: Int, queued: Int, dead: Int) {
            self.enqueued = enqueued
            self.done = done
            self.running = running
            self.queued = queued
            self.dead = dead
        }
    }

    /// Milliseconds since 1970.
    public var at: Int64
    /// The iteration being worked on, as the run record said.
    public var iteration: Int?
    /// Failed attempts so far (the run's `failures` counter; retried or dead-lettered).
    public var failures: Int
    /// Dollars spent on the LLM as of the last checkpoint.
    public var costUSD: Double
    /// By job kind (`label`, `affinity`, …); kinds without jobs are absent.
    public var kinds: [String: Kind]
    /// The LLM outcomes the workers counted so far, live (`nil`: none counted, and in samples taken before they
    /// were).
    public var llm: RunLLMOutcomes?

    public init(
        at: Int64, iteration: Int?, failures: Int, costUSD: Double, kinds: [String: Kind], llm: RunLLMOutcomes? = nil
    ) {
        self.at = at
        self.iteration = iteration
        self.failures = failures
        self.costUSD = costUSD
        self.kinds = kinds
        self.llm = llm
    }

    enum CodingKeys: String, CodingKey { case at, iteration, failures, costUSD = "cost_usd", kinds, llm }
}
