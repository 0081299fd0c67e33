import Foundation

/// The JSON of OpenAI's Files and Batches endpoints, the subset gplr uses (`POST /v1/files`, `POST /v1/batches`,
/// `GET /v1/batches/{id}`, `GET /v1/files/{id}/content`). Public so the simulator speaks exactly this format.
public enum LLMBatchWire {
    /// The endpoint every line of gplr's batches asks.
    public static let chatEndpoint = "/v1/chat/completions"

    /// One line of a batch's input file: a chat completion request and the id its answer comes back under.
    public struct RequestLine: Codable, Sendable {
        public var customID: String
        public var method: String
        public var url: String
        public var body: ChatCompletionWire.Request

        public init(customID: String, body: ChatCompletionWire.Request) {
            self.customID = customID
            method = "POST"
            url = LLMBatchWire.chatEndpoint
            self.body = body
        }

        enum CodingKeys: String, CodingKey {
            case method, url, body
            case customID = "custom_id"
        }
    }

    /// One line of a batch's output or error file.
    public struct ResultLine: Codable, Sendable {
        /// `response`: the HTTP status and body the request got (a chat completion, or an error body).
        public struct Response: Codable, Sendable {
            public var statusCode: Int
            public var body: JSONValue?
            public init(statusCode: Int, body: JSONValue?) {
                self.statusCode = statusCode
                self.body = body
            }
            enum CodingKeys: String, CodingKey {
                case body
                case statusCode = "status_code"
            }
        }

        public var id: String?
        public var customID: String
        public var response: Response?
        public var error: ErrorDetail?

        public init(id: String?, customID: String, response: Response?, error: ErrorDetail?) {
            self.id = id
            self.customID = customID
            self.response = response
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case id, response, error
            case customID = "custom_id"
        }

        /// The chat completion of a 2xx response, or `nil`.
        public var completion: ChatCompletionWire.Response? {
            guard let response, (200..<300).contains(response.statusCode), let body = response.body,
                let data = try? JSONEncoder().encode(body)
            else { return nil }
            return try? JSONDecoder().decode(ChatCompletionWire.Response.self, from: data)
        }
    }

    /// `{"code", "message"}` of a failed line or batch.
    public struct ErrorDetail: Codable, Sendable, Equatable {
        public var code: String?
        public var message: String?
        public init(code: String?, message: String?) {
            self.code = code
            self.message = message
        }
    }

    /// `POST /v1/batches`.
    public struct CreateBatch: Codable, Sendable {
        public var inputFileID: String
        public var endpoint: String
        public var completionWindow: String

        public init(inputFileID: String, endpoint: String = LLMBatchWire.chatEndpoint, completionWindow: String) {
            self.inputFileID = inputFileID
            self.endpoint = endpoint
            self.completionWindow = completionWindow
        }

        enum CodingKeys: String, CodingKey {
            case endpoint
            case inputFileID = "input_file_id"
            case completionWindow = "completion_window"
        }
    }

    /// A file object (`POST /v1/files`'s answer).
    public struct File: Codable, Sendable {
        public var id: String
        public var object: String?
        public var bytes: Int?
        public var filename: String?
        public var purpose: String?

        public init(id: String, bytes: Int?, filename: String?, purpose: String?) {
            self.id = id
            object = "file"
            self.bytes = bytes
            self.filename = filename
            self.purpose = purpose
        }
    }

    /// A batch object: its status and, once it ended, its output and error files.
    public struct Batch: Codable, Sendable {
        /// `request_counts`.
        public struct RequestCounts: Codable, Sendable, Equatable {
            public var total: Int
            public var completed: Int
            public var failed: Int
            public init(total: Int, completed: Int, failed: Int) {
                self.total = total
                self.completed = completed
                self.failed = failed
            }
        }

        /// `errors`: why a batch failed validation.
        public struct Errors: Codable, Sendable {
            public var data: [ErrorDetail]
            public init(data: [ErrorDetail]) { self.data = data }
        }

        public var id: String
        public var object: String?
        public var endpoint: String?
        public var status: String
        public var inputFileID: String?
        public var completionWindow: String?
        public var outputFileID: String?
        public var errorFileID: String?
        public var requestCounts: RequestCounts?
        public var errors: Errors?

        public init(
            id: String, status: String, endpoint: String?, inputFileID: String?, completionWindow: String?,
            outputFileID: String? = nil, errorFileID: String? = nil, requestCounts: RequestCounts? = nil,
            errors: Errors? = nil
        ) {
            self.id = id
            object = "batch"
            self.status = status
            self.endpoint = endpoint
            self.inputFileID = inputFileID
            self.completionWindow = completionWindow
            self.outputFileID = outputFileID
            self.errorFileID = errorFileID
            self.requestCounts = requestCounts
            self.errors = errors
        }

        enum CodingKeys: String, CodingKey {
            case id, object, endpoint, status, errors
            case inputFileID = "input_file_id"
            case completionWindow = "completion_window"
            case outputFileID = "output_file_id"
            case errorFileID = "error_file_id"
            case requestCounts = "request_counts"
        }
    }

    /// The JSON Lines of `lines`, one object per line.
    public static func jsonLines(_ lines: [some Encodable]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var bytes: [UInt8] = []
        for line in lines {
            bytes += try encoder.encode(line)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Decodes each non-empty line of `bytes` as `T`; lines that do not decode are returned apart (their count).
    public static func decodeLines<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) -> (lines: [T], undecodable: Int)
    {
        var lines: [T] = []
        var undecodable = 0
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            if let value = try? JSONDecoder().decode(T.self, from: Data(line)) {
                lines.append(value)
            } else {
                undecodable += 1
            }
        }
        return (lines, undecodable)
    }
}
