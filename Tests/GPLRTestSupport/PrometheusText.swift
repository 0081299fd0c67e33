public import GPLRHTTP

/// A scraped Prometheus text exposition, parsed into samples, so tests can read one series' value.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public let samples: [Sample]
    /// The exposition as scraped.
    public let source: String

    /// Parses `name{label="value",...} number` lines; comments and blank lines are skipped.
    public init(_ text: String) {
        source = text
        samples = text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)...].dropLast().split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    /// The value of the series `name` whose labels include `labels` (summed when several match, e.g. across
    /// models); `nil` when none does.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }
}

extension PrometheusText {
    /// Scrapes `http://127.0.0.1:<port><path>` with the project's HTTP client.
    public static func scrape(port: Int, path: String = "/metrics") async throws -> (PrometheusText, HTTPClientResponse)
    {
        let response = try await HTTPGet.fetch("http://127.0.0.1:\(port)\(path)")
        return (PrometheusText(String(decoding: response.body, as: UTF8.self)), response)
    }
}

/// One plain GET over the project's libcurl client (a real HTTP round trip; no mocks).
public enum HTTPGet {
    public static func fetch(_ url: String, headers: [HTTPHeader] = [], timeout: Duration = .seconds(10)) async throws
        -> HTTPClientResponse
    {
        let client = try HTTPClient()
        do {
            let response = try await client.execute(
                HTTPClientRequest(method: .get, url: url, headers: headers, timeout: timeout))
            await client.shutdown()
            return response
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

extension ProcessHandle {
    /// The port a `gplr-worker --metrics-port` logged as `metrics.port=` once its server listens (polled).
    public func loggedMetricsPort(timeout: Duration = .seconds(30)) async throws -> Int? {
        await poll(timeout: timeout) {
            let log = standardError
            return log.range(of: "metrics.port=").flatMap { Int(log[$0.upperBound...].prefix { $0.isNumber }) }
        }
    }
}
