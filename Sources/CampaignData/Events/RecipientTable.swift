import Glibc

// The per-(campaign, recipient) state of the event path: the one structure
// that grows with the data. Its size is bounded by distinct (campaign,
// recipient) pairs, never by the number of events: 32 bytes of state per
// pair, the recipient's bytes once in an arena, and an 8-byte slot at a load
// factor of at most 0.7. Each parallel part of a file has its own table, so a
// recipient whose rows fall in two parts is held twice until the final merge.

/// What one recipient did in one campaign, as bits.
struct RecipientFlags {
    static let sent: UInt16 = 1 << 0
    static let delivered: UInt16 = 1 << 1
    static let bounced: UInt16 = 1 << 2
    static let hardBounce: UInt16 = 1 << 3
    static let opened: UInt16 = 1 << 4
    static let humanOpen: UInt16 = 1 << 5
    static let clicked: UInt16 = 1 << 6
    static let unsubscribed: UInt16 = 1 << 7
    static let complained: UInt16 = 1 << 8
    static let dropped: UInt16 = 1 << 9
    /// Merged into the same recipient's state in an earlier table (parallel
    /// parts); `firstEngage` then holds the bits of a `RecipientRef`.
    static let merged: UInt16 = 1 << 15

    static let engaged: UInt16 = opened | clicked
}

/// One (campaign, recipient) state: exactly 32 bytes.
struct RecipientState {
    /// Arena offset << 16 | key length.
    var keyRef: UInt64
    /// Time of the first open or click; valid when `flags & engaged != 0`.
    var firstEngage: Double
    /// Time of the earliest delivered event, else of the earliest sent event;
    /// valid when `flags & (delivered | sent) != 0`.
    var baseline: Double
    var campaign: UInt32
    var flags: UInt16
    /// `UserAgentClass.code` of the first open or click, + 1 (0: none).
    var agent: UInt8
    var spare: UInt8
}

/// A recipient state in one of several tables (parallel parts).
struct RecipientRef: Equatable {
    var table: Int
    var index: Int

    var bits: UInt64 { UInt64(table) << 40 | UInt64(index) }
    init(table: Int, index: Int) { self.table = table; self.index = index }
    init(bits: UInt64) { table = Int(bits >> 40); index = Int(bits & 0xFF_FFFF_FFFF) }
}

/// The longest recipient value the tables store (the key length has 16 bits).
let maxRecipientBytes = 65_535

/// Memory for large tables: mapped pages (zero-filled, returned to the system
/// on free) with transparent huge pages requested, since random probes into
/// tens of megabytes otherwise miss the TLB on nearly every lookup.
enum LargeAllocation {
    static func zeroed(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= 1 << 21 {
            let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            if let p, p != MAP_FAILED {
                _ = madvise(p, bytes, 14 /* MADV_HUGEPAGE */)
                return p
            }
        }
        guard let p = calloc(1, max(1, bytes)) else { fatalError("out of memory allocating \(bytes) bytes") }
        return p
    }

    static func free(_ p: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= 1 << 21 { munmap(p, bytes) } else { Glibc.free(p) }
    }
}

/// An exact open-addressing table from (campaign index, recipient bytes) to
/// a `RecipientState`. Keys are compared byte for byte on every hit, so hash
/// collisions cost time, never correctness.
///
/// A slot holds the top 32 bits of the key's hash and the state's index + 1
/// (0: empty); the slot's home position is the top bits of the hash. So slots
/// lie in hash order: growing the table, and merging two tables (`indexMatching`),
/// sweep memory sequentially instead of probing at random.
///
/// `@unchecked Sendable`: one thread mutates a table at a time; the final merge
/// reads several tables from several threads and writes only distinct states.
struct RecipientTable: @unchecked Sendable {
    private static let entriesPerPageShift = 15
    private static let entriesPerPage = 1 << entriesPerPageShift
    private static let arenaPageShift = 20
    private static let arenaPageSize = 1 << arenaPageShift
    static let tagMask: UInt64 = 0xFFFF_FFFF_0000_0000

    private(set) var slots: UnsafeMutablePointer<UInt64>
    private var slotShift: Int
    private var slotMask: Int
    private(set) var count = 0

    private var entryPages: UnsafeMutablePointer<UnsafeMutablePointer<RecipientState>>
    private var entryPageCount = 0
    private var entryPageCapacity = 16

    private var arenaPages: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    private var arenaPageCount = 0
    private var arenaPageCapacity = 16
    /// Global offset of the next free arena byte.
    private var arenaNext = 0

    init(log2Capacity: Int = 14) {
        let slotCount = 1 << log2Capacity
        slots = LargeAllocation.zeroed(bytes: slotCount * 8).bindMemory(to: UInt64.self, capacity: slotCount)
        slotShift = 64 - log2Capacity
        slotMask = slotCount - 1
        entryPages = .allocate(capacity: entryPageCapacity)
        arenaPages = .allocate(capacity: arenaPageCapacity)
    }

    func release() {
        LargeAllocation.free(slots, bytes: slotCount * 8)
        for i in 0..<entryPageCount { entryPages[i].deallocate() }
        entryPages.deallocate()
        for i in 0..<arenaPageCount { arenaPages[i].deallocate() }
        arenaPages.deallocate()
    }

    var slotCount: Int { slotMask + 1 }

    @inline(__always)
    func entry(_ index: Int) -> UnsafeMutablePointer<RecipientState> {
        entryPages[index >> Self.entriesPerPageShift] + (index & (Self.entriesPerPage - 1))
    }

    @inline(__always)
    func keyPointer(_ keyRef: UInt64) -> UnsafePointer<UInt8> {
        let offset = Int(keyRef >> 16)
        return UnsafePointer(arenaPages[offset >> Self.arenaPageShift] + (offset & (Self.arenaPageSize - 1)))
    }

    @inline(__always)
    static func keyLength(_ keyRef: UInt64) -> Int { Int(keyRef & 0xFFFF) }

    @inline(__always)
    static func hash(campaign: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        ByteHash.hash(p, n, seed: UInt64(campaign) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
    }

    @inline(__always)
    func matches(_ e: UnsafeMutablePointer<RecipientState>, campaign: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        e.pointee.campaign == campaign && Self.keyLength(e.pointee.keyRef) == n && bytesEqual(keyPointer(e.pointee.keyRef), p, n)
    }

    /// The slot word at the home position of `hash` (a load to warm the cache).
    @inline(__always)
    func homeSlot(_ hash: UInt64) -> UInt64 { slots[Int(truncatingIfNeeded: hash >> UInt64(slotShift))] }

    /// The index of the state for the key, inserting a fresh state when new.
    /// `n` must be at most `maxRecipientBytes`.
    @inline(__always)
    mutating func findOrInsert(campaign: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int, hash: UInt64) -> Int {
        let tag = hash & Self.tagMask
        var pos = Int(truncatingIfNeeded: hash >> UInt64(slotShift))
        while true {
            let s = slots[pos]
            if s == 0 { break }
            if s & Self.tagMask == tag {
                let i = Int(s & 0xFFFF_FFFF) - 1
                if matches(entry(i), campaign: campaign, p, n) { return i }
            }
            pos = (pos + 1) & slotMask
        }
        let index = append(campaign: campaign, p, n)
        slots[pos] = tag | UInt64(index + 1)
        if count * 10 > slotCount * 7 { grow() }
        return index
    }

    /// The index of the state in this table with the same key as the state in
    /// `other` that slot word `s` of `other` refers to; nil if absent.
    /// Reads `other`'s state only when the hash tags agree.
    @inline(__always)
    func indexMatching(slot s: UInt64, of other: RecipientTable) -> Int? {
        let tag = s & Self.tagMask
        var pos = Int(truncatingIfNeeded: s >> UInt64(slotShift))
        while true {
            let t = slots[pos]
            if t == 0 { return nil }
            if t & Self.tagMask == tag {
                let i = Int(t & 0xFFFF_FFFF) - 1
                let e = other.entry(Int(s & 0xFFFF_FFFF) - 1)
                if matches(entry(i), campaign: e.pointee.campaign, other.keyPointer(e.pointee.keyRef), Self.keyLength(e.pointee.keyRef)) {
                    return i
                }
            }
            pos = (pos + 1) & slotMask
        }
    }

    /// Like `findOrInsert`, for the state `other` slot word `s` refers to (absorbing a table).
    mutating func findOrInsert(slot s: UInt64, of other: RecipientTable) -> Int {
        if let found = indexMatching(slot: s, of: other) { return found }
        let e = other.entry(Int(s & 0xFFFF_FFFF) - 1)
        var pos = Int(truncatingIfNeeded: s >> UInt64(slotShift))
        while slots[pos] != 0 { pos = (pos + 1) & slotMask }
        let index = append(campaign: e.pointee.campaign, other.keyPointer(e.pointee.keyRef), Self.keyLength(e.pointee.keyRef))
        slots[pos] = (s & Self.tagMask) | UInt64(index + 1)
        if count * 10 > slotCount * 7 { grow() }
        return index
    }

    /// Appends a fresh state without touching the slots.
    private mutating func append(campaign: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        // Key bytes: a key never straddles two arena pages.
        var offset = arenaNext
        if arenaPageCount == 0 || (offset & (Self.arenaPageSize - 1)) + n > Self.arenaPageSize
            || offset >> Self.arenaPageShift >= arenaPageCount {
            if arenaPageCount == arenaPageCapacity {
                arenaPageCapacity *= 2
                let grown = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>.allocate(capacity: arenaPageCapacity)
                grown.update(from: arenaPages, count: arenaPageCount)
                arenaPages.deallocate()
                arenaPages = grown
            }
            arenaPages[arenaPageCount] = .allocate(capacity: Self.arenaPageSize)
            offset = arenaPageCount << Self.arenaPageShift
            arenaPageCount += 1
        }
        (arenaPages[offset >> Self.arenaPageShift] + (offset & (Self.arenaPageSize - 1))).update(from: p, count: n)
        arenaNext = offset + n

        let index = count
        if index >> Self.entriesPerPageShift == entryPageCount {
            if entryPageCount == entryPageCapacity {
                entryPageCapacity *= 2
                let grown = UnsafeMutablePointer<UnsafeMutablePointer<RecipientState>>.allocate(capacity: entryPageCapacity)
                grown.update(from: entryPages, count: entryPageCount)
                entryPages.deallocate()
                entryPages = grown
            }
            entryPages[entryPageCount] = .allocate(capacity: Self.entriesPerPage)
            entryPageCount += 1
        }
        entry(index).initialize(to: RecipientState(keyRef: UInt64(offset) << 16 | UInt64(n), firstEngage: 0, baseline: 0,
                                                   campaign: campaign, flags: 0, agent: 0, spare: 0))
        count += 1
        return index
    }

    /// Makes room for `expected` states without growing step by step (each step
    /// rehashes and touches fresh memory).
    mutating func reserve(_ expected: Int) {
        while expected * 10 > slotCount * 7, slotCount < 1 << 32 { grow() }
    }

    /// Doubles the slots. Old slots are in home-position order, so this is a
    /// sequential sweep; a run that wraps past the end is placed after the rest.
    private mutating func grow() {
        let old = slots, oldCount = slotCount
        let log2 = 64 - slotShift + 1
        let newCount = 1 << log2
        slots = LargeAllocation.zeroed(bytes: newCount * 8).bindMemory(to: UInt64.self, capacity: newCount)
        slotShift = 64 - log2
        slotMask = newCount - 1
        for i in 0..<oldCount {
            let s = old[i]
            if s == 0 { continue }
            var pos = Int(truncatingIfNeeded: s >> UInt64(slotShift))
            while slots[pos] != 0 { pos = (pos + 1) & slotMask }
            slots[pos] = s
        }
        LargeAllocation.free(old, bytes: oldCount * 8)
    }
}
