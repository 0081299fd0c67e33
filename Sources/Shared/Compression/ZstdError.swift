/// A failure reported by libzstd or by the checks around it.
///
/// Carries zstd's own error name (from `ZSTD_getErrorName`) when the library produced the error, so a
/// corrupt frame reads as e.g. `zstd decompression failed: Unknown frame descriptor`.
struct ZstdError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is; compare against the static members.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case contextCreation, invalidParameter, compression, decompression, sizeMismatch
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// libzstd could not allocate a compression or decompression context.
        static let contextCreation = Code(.contextCreation)
        /// A compression parameter (level, worker count) was refused.
        static let invalidParameter = Code(.invalidParameter)
        /// `ZSTD_compress2` failed.
        static let compression = Code(.compression)
        /// The input is not a valid zstd frame, or decompression failed.
        static let decompression = Code(.decompression)
        /// The frame decompresses (or declares it decompresses) to a size other than the expected one.
        static let sizeMismatch = Code(.sizeMismatch)

        var description: String {
            switch kind {
            case .contextCreation: "context creation"
            case .invalidParameter: "invalid parameter"
            case .compression: "compression"
            case .decompression: "decompression"
            case .sizeMismatch: "size mismatch"
            }
        }
    }

    var code: Code
    /// What was being done, in words.
    var message: String
    /// zstd's name for the error (`ZSTD_getErrorName`), when libzstd reported it.
    var zstdErrorName: String?

    var description: String {
        if let zstdErrorName { return "\(message): \(zstdErrorName)" }
        return message
    }
}
