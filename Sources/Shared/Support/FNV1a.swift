/// FNV-1a over 64 bits: a fast hash of a string's UTF-8 bytes that is the same on every platform and run (unlike
/// `Hasher`). For spreading keys (stand-in personas, the simulator's per-key random streams); not for security.
package enum FNV1a {
    /// The hash of `text`'s UTF-8 bytes.
    package static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}
