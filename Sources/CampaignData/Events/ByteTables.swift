import Glibc

// The small hash tables of the event path. They key by raw UTF-8 bytes (no
// String per field), compare keys exactly on every hit, and keep their
// storage in manually managed memory so the hot loop pays no uniqueness or
// exclusivity checks. Each table is a struct owned by exactly one tally;
// `release()` frees it (see `TallyBox`).

// MARK: - Hashing

/// A 64-bit hash of bytes (wyhash-style multiply-fold). Only used in memory,
/// within one run; the tables compare keys exactly, so quality matters for
/// speed, never for correctness.
enum ByteHash {
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt64) -> UInt64 {
        let raw = UnsafeRawPointer(p)
        var h = seed ^ 0xA076_1D64_78BD_642F ^ UInt64(truncatingIfNeeded: n)
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self), 0xE703_7ED1_A0B4_28DB)
                i += 8
            }
            // The last 8 bytes, overlapping the previous word when n is not a multiple of 8.
            h = mix(h ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), 0x8EBC_6AF0_9C88_C6E3)
        } else if n >= 4 {
            let lo = UInt64(raw.loadUnaligned(as: UInt32.self))
            let hi = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            h = mix(h ^ (lo | hi << 32), 0x8EBC_6AF0_9C88_C6E3)
        } else if n > 0 {
            let w = UInt64(p[0]) | UInt64(p[n >> 1]) << 8 | UInt64(p[n - 1]) << 16
            h = mix(h ^ w, 0x8EBC_6AF0_9C88_C6E3)
        }
        return mix(h, 0x5899_65CC_7537_4CC3)
    }

    @inline(__always)
    static func hash(_ key: UInt64) -> UInt64 {
        mix(key ^ 0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB)
    }
}

/// Whether `n` bytes at `a` and `b` are equal: inline word compares for the
/// short keys of event data (ids, emails), `memcmp` beyond 32 bytes.
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let x = UnsafeRawPointer(a), y = UnsafeRawPointer(b)
    @inline(__always) func word(_ p: UnsafeRawPointer, _ at: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
    if n >= 8 {
        if n <= 16 { return (word(x, 0) ^ word(y, 0)) | (word(x, n - 8) ^ word(y, n - 8)) == 0 }
        if n <= 32 {
            return (word(x, 0) ^ word(y, 0)) | (word(x, 8) ^ word(y, 8))
                | (word(x, n - 16) ^ word(y, n - 16)) | (word(x, n - 8) ^ word(y, n - 8)) == 0
        }
        return memcmp(a, b, n) == 0
    }
    if n >= 4 {
        return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
            && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    if n == 0 { return true }
    return a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]
}

// MARK: - ByteKeyIndex

/// An exact map from (seed, bytes) to a dense index 0, 1, 2, …: interns
/// campaign ids, URLs and user agents (few distinct values, many lookups).
struct ByteKeyIndex {
    /// `hash tag << 32 | (index + 1)`; 0 is empty.
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotMask: Int
    private(set) var count = 0
    /// Key `i` is `arena[starts[i] ..< starts[i + 1]]`.
    private var starts: UnsafeMutablePointer<Int>
    private var seeds: UnsafeMutablePointer<UInt32>
    private var keyCapacity: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCapacity: Int

    init(capacity: Int = 16) {
        var slotCount = 16
        while slotCount < capacity * 2 { slotCount <<= 1 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        slotMask = slotCount - 1
        keyCapacity = max(capacity, 8)
        starts = .allocate(capacity: keyCapacity + 1)
        starts[0] = 0
        seeds = .allocate(capacity: keyCapacity)
        arenaCapacity = 256
        arena = .allocate(capacity: arenaCapacity)
    }

    func release() {
        slots.deallocate()
        starts.deallocate()
        seeds.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    func keyPointer(_ i: Int) -> UnsafePointer<UInt8> { UnsafePointer(arena + starts[i]) }

    @inline(__always)
    func keyLength(_ i: Int) -> Int { starts[i + 1] - starts[i] }

    @inline(__always)
    func seed(_ i: Int) -> UInt32 { seeds[i] }

    func key(_ i: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: keyPointer(i), count: keyLength(i)), as: UTF8.self)
    }

    @inline(__always)
    static func fullHash(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt32) -> UInt64 {
        ByteHash.hash(p, n, seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15)
    }

    @inline(__always)
    func matches(_ i: Int, _ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt32) -> Bool {
        seeds[i] == seed && keyLength(i) == n && bytesEqual(keyPointer(i), p, n)
    }

    func find(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt32) -> Int? {
        let h = Self.fullHash(p, n, seed: seed)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var pos = Int(truncatingIfNeeded: h) & slotMask
        while true {
            let s = slots[pos]
            if s == 0 { return nil }
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                let i = Int(s & 0xFFFF_FFFF) - 1
                if matches(i, p, n, seed: seed) { return i }
            }
            pos = (pos + 1) & slotMask
        }
    }

    /// The index of the key, inserting it when new.
    mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, seed: UInt32) -> Int {
        let h = Self.fullHash(p, n, seed: seed)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var pos = Int(truncatingIfNeeded: h) & slotMask
        while true {
            let s = slots[pos]
            if s == 0 { break }
            if s & 0xFFFF_FFFF_0000_0000 == tag {
                let i = Int(s & 0xFFFF_FFFF) - 1
                if matches(i, p, n, seed: seed) { return i }
            }
            pos = (pos + 1) & slotMask
        }
        let index = count
        if index == keyCapacity { growKeys() }
        let start = starts[index]
        if start + n > arenaCapacity { growArena(to: start + n) }
        (arena + start).update(from: p, count: n)
        starts[index + 1] = start + n
        seeds[index] = seed
        slots[pos] = tag | UInt64(index + 1)
        count += 1
        if count * 2 > slotMask { rehash() }
        return index
    }

    private mutating func growKeys() {
        let newCapacity = keyCapacity * 2
        let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity + 1)
        newStarts.update(from: starts, count: count + 1)
        starts.deallocate()
        starts = newStarts
        let newSeeds = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        newSeeds.update(from: seeds, count: count)
        seeds.deallocate()
        seeds = newSeeds
        keyCapacity = newCapacity
    }

    private mutating func growArena(to needed: Int) {
        var newCapacity = arenaCapacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newArena = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newArena.update(from: arena, count: starts[count])
        arena.deallocate()
        arena = newArena
        arenaCapacity = newCapacity
    }

    private mutating func rehash() {
        let slotCount = (slotMask + 1) * 2
        slots.deallocate()
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        slotMask = slotCount - 1
        for i in 0..<count {
            let h = Self.fullHash(keyPointer(i), keyLength(i), seed: seeds[i])
            var pos = Int(truncatingIfNeeded: h) & slotMask
            while slots[pos] != 0 { pos = (pos + 1) & slotMask }
            slots[pos] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(i + 1)
        }
    }
}

// MARK: - PairSet

/// A set of nonzero-hashed 64-bit keys (a link index and a recipient index
/// packed into one word). `UInt64.max` marks an empty slot: it would be link
/// and recipient index 2³² − 1, which the tables never reach.
struct PairSet {
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotMask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var slotCount = 64
        while slotCount < capacity * 2 { slotCount <<= 1 }
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: .max, count: slotCount)
        slotMask = slotCount - 1
    }

    func release() { slots.deallocate() }

    @inline(__always)
    static func key(_ high: Int, _ low: Int) -> UInt64 { UInt64(high) << 32 | UInt64(low) }

    /// Inserts the key; true when it was not there before.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        var pos = Int(truncatingIfNeeded: ByteHash.hash(key)) & slotMask
        while true {
            let s = slots[pos]
            if s == key { return false }
            if s == .max { break }
            pos = (pos + 1) & slotMask
        }
        slots[pos] = key
        count += 1
        if count * 10 > slotMask * 7 { rehash() }
        return true
    }

    func contains(_ key: UInt64) -> Bool {
        var pos = Int(truncatingIfNeeded: ByteHash.hash(key)) & slotMask
        while true {
            let s = slots[pos]
            if s == key { return true }
            if s == .max { return false }
            pos = (pos + 1) & slotMask
        }
    }

    func forEach(_ body: (UInt64) -> Void) {
        for i in 0...slotMask where slots[i] != .max { body(slots[i]) }
    }

    private mutating func rehash() {
        let old = slots
        let oldCount = slotMask + 1
        let slotCount = oldCount * 2
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: .max, count: slotCount)
        slotMask = slotCount - 1
        for i in 0..<oldCount where old[i] != .max {
            var pos = Int(truncatingIfNeeded: ByteHash.hash(old[i])) & slotMask
            while slots[pos] != .max { pos = (pos + 1) & slotMask }
            slots[pos] = old[i]
        }
        old.deallocate()
    }
}
