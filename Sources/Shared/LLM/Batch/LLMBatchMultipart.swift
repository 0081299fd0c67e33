/// A `multipart/form-data` body of text fields and one file, as `POST /v1/files` takes it. Pure.
struct LLMBatchMultipart {
    let boundary: String
    private(set) var body: [UInt8] = []

    init(boundary: String = "gplr-" + String(UInt64.random(in: .min ... .max), radix: 16)) {
        self.boundary = boundary
    }

    /// The `Content-Type` header value.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func addField(_ name: String, _ value: String) {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func addFile(_ name: String, filename: String, contentType: String, _ bytes: [UInt8]) {
        body += Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: \(contentType)\r\n\r\n").utf8)
        body += bytes
        body += Array("\r\n".utf8)
    }

    /// The body with its closing delimiter.
    func finished() -> [UInt8] { body + Array("--\(boundary)--\r\n".utf8) }
}
