public import Foundation

/// One binary-safe argument of a Redis command. Literals, strings, integers, byte arrays and `Data` convert.
public struct RedisArgument: Sendable, Hashable, ExpressibleByStringInterpolation, ExpressibleByIntegerLiteral {
    /// The argument as sent on the wire.
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(_ data: Data) { self.bytes = Array(data) }
    public init<Integer: BinaryInteger>(_ value: Integer) { self.bytes = Array(String(value).utf8) }
    public init(stringLiteral value: String) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(value) }
}
