import CCurl
import CCurlShim

/// One easy handle with its request state and response buffers. Confined to the curl thread; freed in
/// `deinit` (after the multi handle has released it).
final class CurlTransfer {
    let token: PendingTransfer
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maxResponseBytes: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [HTTPHeader] = []
    private(set) var exceededLimit = false

    init(token: PendingTransfer, configuration: HTTPClientConfiguration) throws(HTTPClientError) {
        let request = token.request
        let url = HTTPClientRequest.redact(request.url)
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(code: .setup, message: "curl_easy_init failed", url: url)
        }
        self.token = token
        self.easy = easy
        self.maxResponseBytes = configuration.maxResponseBytes
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure(request: request, configuration: configuration, url: url)
    }

    deinit {
        curl_easy_cleanup(easy)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    private func configure(
        request: HTTPClientRequest, configuration: HTTPClientConfiguration, url: String
    ) throws(HTTPClientError) {
        func check(_ code: Int32, _ what: String) throws(HTTPClientError) {
            guard code != 0 else { return }
            throw HTTPClientError(
                code: .invalidRequest, curlCode: Int(code),
                message: "cannot set \(what): \(String(cString: curl_easy_strerror(CURLcode(UInt32(code)))))",
                url: url)
        }
        let handle = easy
        try check(gplr_curl_easy_setopt_string(handle, CURLOPT_URL.rawValue, request.url), "URL")
        try check(gplr_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR.rawValue, "http,https"), "protocols")
        try check(gplr_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL.rawValue, 1), "NOSIGNAL")
        try check(
            gplr_curl_easy_setopt_long(
                handle, CURLOPT_HTTP_VERSION.rawValue, Int(CURL_HTTP_VERSION_2TLS)), "HTTP version")
        _ = gplr_curl_easy_setopt_long(handle, CURLOPT_PIPEWAIT.rawValue, 1)
        _ = gplr_curl_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE.rawValue, 1)
        _ = gplr_curl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING.rawValue, "")
        _ = gplr_curl_easy_setopt_string(handle, CURLOPT_USERAGENT.rawValue, configuration.userAgent)
        try check(
            gplr_curl_easy_setopt_long(
                handle, CURLOPT_CONNECTTIMEOUT_MS.rawValue, request.connectTimeout.curlMilliseconds), "connect timeout")
        try check(
            gplr_curl_easy_setopt_long(
                handle, CURLOPT_TIMEOUT_MS.rawValue, request.timeout.curlMilliseconds), "timeout")
        _ = gplr_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER.rawValue, errorBuffer)

        if request.method == .post {
            try check(gplr_curl_easy_setopt_long(handle, CURLOPT_POST.rawValue, 1), "POST")
            try check(
                gplr_curl_easy_setopt_int64(
                    handle, CURLOPT_POSTFIELDSIZE_LARGE.rawValue, Int64(request.body.count)), "body size")
            // COPYPOSTFIELDS copies the body, so it need not outlive this call.
            let code =
                request.body.isEmpty
                ? gplr_curl_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS.rawValue, "")
                : request.body.withUnsafeBytes { bytes in
                    gplr_curl_easy_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS.rawValue, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
            try check(code, "body")
        } else {
            try check(gplr_curl_easy_setopt_long(handle, CURLOPT_HTTPGET.rawValue, 1), "GET")
        }

        // "Expect:" stops curl from waiting for a 100-continue on larger bodies.
        var lines = ["Expect:"]
        for header in request.headers {
            // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
            let invalid =
                header.name.isEmpty
                || header.name.unicodeScalars.contains(where: { $0 == ":" || $0.value < 0x21 || $0.value == 0x7f })
                || header.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            if invalid {
                throw HTTPClientError(
                    code: .invalidRequest, message: "invalid header field '\(header.name.prefix(64))'", url: url)
            }
            lines.append("\(header.name): \(header.value)")
        }
        for line in lines { headerList = curl_slist_append(headerList, line) }
        try check(gplr_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER.rawValue, headerList), "headers")

        let userdata = Unmanaged.passUnretained(self).toOpaque()
        try check(gplr_curl_easy_setopt_callback(handle, CURLOPT_WRITEFUNCTION.rawValue, curlWriteBody), "writer")
        try check(gplr_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA.rawValue, userdata), "writer data")
        try check(
            gplr_curl_easy_setopt_callback(
                handle, CURLOPT_HEADERFUNCTION.rawValue, curlWriteHeader), "header reader")
        try check(gplr_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA.rawValue, userdata), "header data")
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxResponseBytes else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after 100-continue or a redirect) starts
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        headers.append(
            HTTPHeader(
                name: String(line[..<colon]).trimmingWhitespace(),
                value: String(line[line.index(after: colon)...]).trimmingWhitespace()))
    }

    /// The outcome once curl reports the transfer done with `code`.
    func result(code: CURLcode) -> Result<HTTPClientResponse, HTTPClientError> {
        guard code == CURLE_OK else { return .failure(error(for: code)) }
        var status = 0
        _ = gplr_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE.rawValue, &status)
        var connects = 0
        _ = gplr_curl_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS.rawValue, &connects)
        return .success(
            HTTPClientResponse(status: status, headers: headers, body: body, reusedConnection: connects == 0))
    }

    private func error(for code: CURLcode) -> HTTPClientError {
        let url = HTTPClientRequest.redact(token.request.url)
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        if exceededLimit {
            return HTTPClientError(
                code: .responseTooLarge, curlCode: Int(code.rawValue),
                message: "response body larger than \(maxResponseBytes) bytes", url: url)
        }
        return HTTPClientError(code: Self.classify(code), curlCode: Int(code.rawValue), message: detail, url: url)
    }

    static func classify(_ code: CURLcode) -> HTTPClientError.Code {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            CURLE_WEIRD_SERVER_REPLY, CURLE_AGAIN:
            return .connection
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest
        default:
            return .transfer
        }
    }
}

private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    curlDeliver(data, size, count, userdata) { transfer, bytes in transfer.appendBody(bytes) }
}

private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    curlDeliver(data, size, count, userdata) { transfer, bytes in
        transfer.appendHeaderLine(bytes)
        return true
    }
}

/// What both write callbacks do with curl's arguments: `size * count` bytes at `data` go to the transfer behind
/// `userdata`; the byte count is returned when `take` accepts them, 0 (abort the transfer) when it does not.
private func curlDeliver(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?,
    _ take: (CurlTransfer, UnsafeRawBufferPointer) -> Bool
) -> Int {
    guard let userdata else { return 0 }
    let length = size * count
    guard let data, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    return take(transfer, UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

fileprivate extension Duration {
    /// Whole milliseconds, at least 1 (curl treats 0 as "no timeout").
    var curlMilliseconds: Int {
        Int(max(1, min(milliseconds, Int64(Int32.max))))
    }
}

fileprivate extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
