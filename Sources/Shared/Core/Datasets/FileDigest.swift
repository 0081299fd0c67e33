import Crypto

/// The SHA-256 of a file's bytes, streamed: how a side input that every worker reads from its own disk (a labels
/// file) is named by content, so that a worker holding another file at the same path refuses the job instead of
/// silently changing the result.
public enum FileDigest {
    /// Lower-case hex SHA-256 of the file at `path`.
    /// - Throws: ``DatasetError`` (`fileNotFound`, `readFailed`) naming the file.
    public static func sha256(path: String, chunkSize: Int = 1 << 20) throws -> String {
        var hasher = SHA256()
        try ChunkedFileReader(path: path, chunkSize: chunkSize).forEachChunk { hasher.update(bufferPointer: $0) }
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
