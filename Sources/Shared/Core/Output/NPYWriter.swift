import Foundation

/// Writes a dense `Float64` matrix as a NumPy `.npy` file (format version 1.0, little-endian `<f8`, C order),
/// readable by `numpy.load` without any extra library.
///
/// Rows are streamed to disk in blocks, so writing a users × personas Ψ never needs a second copy in memory.
public enum NPYWriter {
    /// Writes `rows × columns` values produced by `fillRow` (called once per row, in order) to `path`.
    public static func write(
        path: String, rows: Int, columns: Int, fillRow: (_ row: Int, _ into: UnsafeMutableBufferPointer<Double>) -> Void
    ) throws {
        guard let file = FileOutput(path: path) else {
            throw OutputError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        try file.write(header(rows: rows, columns: columns))
        let blockRows = max(1, (1 << 20) / max(1, columns))
        var block = [Double](repeating: 0, count: blockRows * columns)
        var row = 0
        while row < rows {
            let count = min(blockRows, rows - row)
            try block.withUnsafeMutableBufferPointer { buffer in
                for r in 0..<count {
                    fillRow(row + r, UnsafeMutableBufferPointer(rebasing: buffer[(r * columns)..<((r + 1) * columns)]))
                }
                // x86-64 and arm64 are little-endian, matching the `<f8` descriptor.
                try file.write(
                    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<count * columns * 8]))
            }
            row += count
        }
        try file.close()
    }

    /// The `.npy` v1.0 header for a `<f8` C-order matrix, padded so the data starts on a 64-byte boundary.
    static func header(rows: Int, columns: Int) -> [UInt8] {
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let prefix = 10  // magic (6) + version (2) + header length (2)
        let total = (prefix + dict.utf8.count + 1 + 63) / 64 * 64
        dict += String(repeating: " ", count: total - prefix - dict.utf8.count - 1) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }
}
