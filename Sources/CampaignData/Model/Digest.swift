/// FNV-1a, 64-bit: a stable content hash for fingerprints and file names (not for security).
public func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
    }
    return h
}

/// FNV-1a, 64-bit, of bytes.
public func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBufferPointer { fnv1a($0) }
}

/// FNV-1a, 64-bit, of a string's UTF-8.
public func fnv1a(_ text: String) -> UInt64 {
    var text = text
    return text.withUTF8 { fnv1a($0) }
}
