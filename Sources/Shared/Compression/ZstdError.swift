/// A failure reported by libzstd or by the checks around it.
///
/// Carries zstd's own error name (from `ZSTD_getErrorName`) when the library produced the error, so a
/// corrupt frame reads as e.g. `zstd decompression failed: Unknown frame descriptor`.
public struct ZstdError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; compare against the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case contextCreation, invalidParameter, compression, decompression, sizeMismatch
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// libzstd could not allocate a compression or decompression context.
        public static let contextCreation = Code(.contextCreation)
        /// A compression parameter (level, worker count) was refused.
        public static let invalidParameter = Code(.invalidParameter)
        /// `ZSTD_compress2` failed.
        public static let compression = Code(.compression)
        /// The input is not a valid zstd frame, or decompression failed.
        public static let decompression = Code(.decompression)
        /// The frame decompresses (or declares it decompresses) to a size other than the expected one.
        public static let sizeMismatch = Code(.sizeMismatch)

        public var description: String {
            switch kind {
            case .contextCreation: "context creation"
            case .invalidParameter: "invalid parameter"
            case .compression: "compression"
            case .decompression: "decompression"
            case .sizeMismatch: "size mismatch"
            }
        }
    }

    public let code: Code
    /// zstd's name for the error (`ZSTD_getErrorName`), when libzstd reported it.
    public let zstdErrorName: String?
    /// What was being done, in words.
    public let message: String

    public init(code: Code, message: String, zstdErrorName: String? = nil) {
        self.code = code
        self.message = message
        self.zstdErrorName = zstdErrorName
    }

    public var description: String {
        if let zstdErrorName { return "\(message): \(zstdErrorName)" }
        return message
    }
}
