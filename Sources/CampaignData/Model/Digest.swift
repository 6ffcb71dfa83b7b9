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

/// A 64-bit digest of bytes for change detection (a campaign's source text): eight bytes per
/// multiply-and-mix step rather than FNV's one, then the length and a final avalanche (the
/// finaliser of MurmurHash3), so every input bit reaches every output bit. Not cryptographic;
/// the same bytes give the same digest on every machine and run.
public func sourceDigest(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let k: UInt64 = 0x9E37_79B9_7F4A_7C15
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    guard let base = bytes.baseAddress else { return digestFinish(h, length: 0) }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 8 <= bytes.count {
        h = (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* k
        h ^= h >> 32
        i += 8
    }
    if i < bytes.count {
        var last: UInt64 = 0
        for j in i..<bytes.count { last |= UInt64(base[j]) << UInt64(8 * (j - i)) }
        h = (h ^ last) &* k
        h ^= h >> 32
    }
    return digestFinish(h, length: bytes.count)
}

@inline(__always)
private func digestFinish(_ value: UInt64, length: Int) -> UInt64 {
    var h = value ^ UInt64(truncatingIfNeeded: length)
    h ^= h >> 33
    h = h &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 33
    h = h &* 0xc4ce_b9fe_1a85_ec53
    h ^= h >> 33
    return h
}
