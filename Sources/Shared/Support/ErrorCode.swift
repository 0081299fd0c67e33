/// One kind of failure of the error type `Domain`, compared against the statics that type declares.
///
/// This is the opaque error code of swift-nio and swift-kafka-client (a struct rather than a public enum, so that a
/// new kind breaks no caller's `switch`), written once for every error type of the package. An error type declares
/// `typealias Code = ErrorCode<ThatError>` and its codes in an extension, where the string is the code's name in
/// messages:
///
/// ```swift
/// extension ErrorCode<RunRecordError> {
///     /// No record for this run id.
///     public static var notFound: Self { Self("run not found") }
/// }
/// ```
///
/// Two codes of one domain are equal when their names are. Codes of different domains are different types, so a
/// `RedisError.Code` never compares with a `SnapshotError.Code`.
public struct ErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The code's name, as messages show it (e.g. `run not found`, `unexpected-reply`).
    public let description: String

    /// Declares a code of `Domain`; only this package's error types declare codes.
    package init(_ name: String) { description = name }
}
