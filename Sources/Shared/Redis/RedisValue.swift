/// A reply from the Redis server (RESP2), converted from hiredis' reply tree.
public enum RedisValue: Sendable, Hashable {
    /// A bulk string, binary-safe.
    case bytes([UInt8])
    /// An integer reply.
    case integer(Int64)
    /// An array reply (possibly nested).
    case array([RedisValue])
    /// The null bulk string or null array.
    case null
    /// A simple status reply such as `OK` or `QUEUED`.
    case status(String)
    /// An error reply. ``RedisClient/send(_:)`` throws these; pipelines return them in place.
    case error(String)
}

extension RedisValue {
    /// The bytes of a bulk string or status reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bytes(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// A bulk string or status reply decoded as UTF-8 (lossy for invalid sequences), or an integer's text.
    public var string: String? {
        switch self {
        case .bytes(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        case .integer(let value): return String(value)
        default: return nil
        }
    }

    /// An integer reply, or a bulk string that holds a decimal integer (as `HGET` of a counter returns).
    public var int: Int? {
        switch self {
        case .integer(let value): return Int(value)
        case .bytes(let bytes): return Int(String(decoding: bytes, as: UTF8.self))
        default: return nil
        }
    }

    /// The elements of an array reply.
    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// Whether this is the null reply.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The message of an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }

    /// Throws an error reply as a ``RedisError`` with code `.serverError`; returns any other value unchanged.
    public func throwingServerError(context: String? = nil) throws(RedisError) -> RedisValue {
        if case .error(let message) = self {
            throw RedisError(code: .serverError, message: message, context: context)
        }
        return self
    }

    /// The value of `name` in a flat `[field, value, field, value]` array (its first occurrence), found by a scan
    /// without building a dictionary: for a stream entry's few fields on the job queue's hot path, where
    /// ``fieldMap`` was a tenth of a consumer's CPU. `nil` if the field is absent or this is not such an array.
    public func field(_ name: String) -> RedisValue? {
        guard case .array(let values) = self, values.count % 2 == 0 else { return nil }
        for index in stride(from: 0, to: values.count, by: 2) {
            if case .bytes(let key) = values[index], key.elementsEqual(name.utf8) { return values[index + 1] }
        }
        return nil
    }

    /// A flat `[field, value, field, value]` array (HGETALL, stream entry fields) as a dictionary.
    public var fieldMap: [String: RedisValue]? {
        guard let values = array, values.count % 2 == 0 else { return nil }
        var map: [String: RedisValue] = [:]
        for index in stride(from: 0, to: values.count, by: 2) {
            guard let key = values[index].string else { return nil }
            map[key] = values[index + 1]
        }
        return map
    }
}
