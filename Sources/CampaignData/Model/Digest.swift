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

/// `fnv1a` of each of `ranges` of `bytes`, four at a time: one digest is a chain of dependent
/// multiplications, so four independent chains keep the multiplier busy four times as often.
public func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>]) -> [UInt64] {
    let basis: UInt64 = 0xcbf2_9ce4_8422_2325, prime: UInt64 = 0x100_0000_01b3
    var result: [UInt64] = []
    result.reserveCapacity(ranges.count)
    var i = 0
    while i + 4 <= ranges.count {
        let r0 = ranges[i], r1 = ranges[i + 1], r2 = ranges[i + 2], r3 = ranges[i + 3]
        var h0 = basis, h1 = basis, h2 = basis, h3 = basis
        let common = min(r0.count, r1.count, r2.count, r3.count)
        var k = 0
        while k < common {
            h0 = (h0 ^ UInt64(bytes[r0.lowerBound + k])) &* prime
            h1 = (h1 ^ UInt64(bytes[r1.lowerBound + k])) &* prime
            h2 = (h2 ^ UInt64(bytes[r2.lowerBound + k])) &* prime
            h3 = (h3 ^ UInt64(bytes[r3.lowerBound + k])) &* prime
            k += 1
        }
        for (h, r) in [(h0, r0), (h1, r1), (h2, r2), (h3, r3)] {
            var h = h
            for b in bytes[(r.lowerBound + common)..<r.upperBound] { h = (h ^ UInt64(b)) &* prime }
            result.append(h)
        }
        i += 4
    }
    while i < ranges.count {
        result.append(fnv1a(UnsafeBufferPointer(rebasing: bytes[ranges[i]])))
        i += 1
    }
    return result
}
