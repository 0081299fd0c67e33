import Foundation

/// A worker heartbeat from the `workers` hash, decoded leniently: every field is optional and timestamps may
/// be milliseconds or seconds since 1970 (numbers) or ISO-8601 strings, so `gplr status` keeps working across
/// worker versions. The writer's own type lives with the worker daemon.
struct WorkerHeartbeatView: Decodable, Sendable {
    var id: String?
    var host: String?
    var pid: Int?
    var kinds: [String]?
    var concurrency: Int?
    /// Milliseconds since 1970.
    var startedAt: Int64?
    var lastSeen: Int64?
    var currentJobs: [String]?
    var done: Int?
    var failed: Int?

    enum CodingKeys: String, CodingKey {
        case id, host, pid, kinds, concurrency, startedAt, lastSeen, currentJobs, done, failed
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try? c.decode(String.self, forKey: .id)
        host = try? c.decode(String.self, forKey: .host)
        pid = try? c.decode(Int.self, forKey: .pid)
        kinds = try? c.decode([String].self, forKey: .kinds)
        concurrency = try? c.decode(Int.self, forKey: .concurrency)
        startedAt = Self.timestamp(c, .startedAt)
        lastSeen = Self.timestamp(c, .lastSeen)
        if let jobs = try? c.decode([String].self, forKey: .currentJobs) {
            currentJobs = jobs
        } else if let jobs = try? c.decode([JobRef].self, forKey: .currentJobs) {
            currentJobs = jobs.map { [$0.runID, $0.id ?? $0.jobID].compactMap { $0 }.joined(separator: "/") }
        }
        done = try? c.decode(Int.self, forKey: .done)
        failed = try? c.decode(Int.self, forKey: .failed)
    }

    /// A current job given as an object.
    private struct JobRef: Decodable {
        var id: String?
        var jobID: String?
        var runID: String?
    }

    private static func timestamp(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> Int64? {
        if let number = try? c.decode(Double.self, forKey: key) {
            // Seconds if it looks like seconds (before the year 5138 in seconds ≈ 1e11), else milliseconds.
            return number < 1e11 ? Int64(number * 1000) : Int64(number)
        }
        if let text = try? c.decode(String.self, forKey: key) {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
            return date.map { Int64($0.timeIntervalSince1970 * 1000) }
        }
        return nil
    }
}
