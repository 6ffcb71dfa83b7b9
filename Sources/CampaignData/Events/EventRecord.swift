// One event row as the scanners hand it to the tally: byte slices, no Strings.

/// The columns (CSV) or keys (JSON Lines) of a canonical event.
enum EventField: Int, CaseIterable {
    case campaignID, recipient, event, timestamp, url, bounceType, userAgent, machine

    var name: String {
        switch self {
        case .campaignID: "campaign_id"
        case .recipient: "recipient"
        case .event: "event"
        case .timestamp: "timestamp"
        case .url: "url"
        case .bounceType: "bounce_type"
        case .userAgent: "user_agent"
        case .machine: "machine"
        }
    }

    /// What a value of this field should be, for messages.
    var expected: String {
        switch self {
        case .campaignID: "the id of a campaign in campaigns.json"
        case .recipient: "an email address or opaque recipient id"
        case .event: "one of \(EventKind.allowedList)"
        case .timestamp: "RFC 3339 (e.g. 2026-06-01T09:00:00Z or 2026-06-01T11:00:00+02:00) or Unix epoch seconds (e.g. 1780304400)"
        case .url: "the clicked link (required for click events)"
        case .bounceType: "hard, soft or empty (empty means hard)"
        case .userAgent: "the reader's user agent"
        case .machine: "true, false, 1, 0 or empty"
        }
    }

    static let required: [EventField] = [.campaignID, .recipient, .event, .timestamp]

    /// Field slots per record: one per field, plus a last one where the CSV
    /// scanner drops the values of unknown columns (so it never branches on them).
    static let recordWidth = allCases.count + 1
    static let discardSlot = allCases.count

    private static let names: [StaticString] = ["campaign_id", "recipient", "event", "timestamp", "url", "bounce_type", "user_agent", "machine"]

    static func named(_ name: UnsafeBufferPointer<UInt8>) -> EventField? {
        guard let p = name.baseAddress else { return nil }
        for (i, literal) in names.enumerated()
        where literal.utf8CodeUnitCount == name.count && bytesEqual(literal.utf8Start, p, name.count) {
            return EventField(rawValue: i)
        }
        return nil
    }
}

/// The event types of DESIGN.md.
enum EventKind: UInt8, CaseIterable {
    case sent, delivered, deferred, bounce, open, click, unsubscribe, complaint, dropped

    static let allowedList = "sent, delivered, deferred, bounce, open, click, unsubscribe, complaint, dropped"

    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> EventKind? {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            literal.utf8CodeUnitCount == n && bytesEqual(literal.utf8Start, p, n)
        }
        switch n {
        case 4: return equals("open") ? .open : equals("sent") ? .sent : nil
        case 5: return equals("click") ? .click : nil
        case 6: return equals("bounce") ? .bounce : nil
        case 7: return equals("dropped") ? .dropped : nil
        case 8: return equals("deferred") ? .deferred : nil
        case 9: return equals("delivered") ? .delivered : equals("complaint") ? .complaint : nil
        case 11: return equals("unsubscribe") ? .unsubscribe : nil
        default: return nil
        }
    }
}

/// What kind of value a field holds (JSON Lines tells them apart; CSV has only strings).
enum FieldValueKind: UInt8 {
    case string, number, bool, null
}

/// Where one field's value is: in the read buffer, or in the record's scratch
/// buffer when it had to be unescaped. 16 bytes: offsets fit 32 bits because a
/// read buffer never grows past twice `EventFileReader.maxRecordBytes`.
struct FieldSlice {
    private var start32: Int32 = 0
    private var count32: Int32 = 0
    private var position32: Int32 = 0
    var present = false
    var inScratch = false
    var kind = FieldValueKind.string

    init() {}

    @inline(__always)
    init(start: Int, count: Int, position: Int, present: Bool, inScratch: Bool, kind: FieldValueKind) {
        start32 = Int32(truncatingIfNeeded: start)
        count32 = Int32(truncatingIfNeeded: count)
        position32 = Int32(truncatingIfNeeded: position)
        self.present = present
        self.inScratch = inScratch
        self.kind = kind
    }

    /// Offset of the value bytes (in the scratch buffer when `inScratch`).
    var start: Int {
        @inline(__always) get { Int(start32) }
        set { start32 = Int32(truncatingIfNeeded: newValue) }
    }

    var count: Int {
        @inline(__always) get { Int(count32) }
        set { count32 = Int32(truncatingIfNeeded: newValue) }
    }

    /// Buffer offset where the field starts in the file's text (for locations).
    var position: Int { @inline(__always) get { Int(position32) } }
}

/// The fields of the record being ingested.
struct RecordView {
    var fields: UnsafeMutablePointer<FieldSlice>
    var buffer: UnsafeMutablePointer<UInt8>
    var scratch: UnsafeMutablePointer<UInt8>

    @inline(__always)
    subscript(_ field: EventField) -> FieldSlice { fields[field.rawValue] }

    @inline(__always)
    func pointer(_ slice: FieldSlice) -> UnsafePointer<UInt8> {
        UnsafePointer((slice.inScratch ? scratch : buffer) + slice.start)
    }

    func text(_ slice: FieldSlice) -> String {
        String(decoding: UnsafeBufferPointer(start: pointer(slice), count: slice.count), as: UTF8.self)
    }
}

/// Why a row cannot be used, and which field to point at.
struct RowProblem: Error {
    var field: EventField
    var message: String
}

// MARK: - Timestamps

/// A cache of the last date seen: event files repeat the same day many times.
struct DateCache {
    var key: UInt64 = 0
    var key2: UInt16 = 0
    var days = Int.min
}

/// Event timestamps from bytes, without Foundation. The canonical shape
/// `YYYY-MM-DDTHH:MM:SSZ` takes a fast path; every other shape goes to
/// `Timestamp.parse`, the one grammar shared with campaigns.json.
enum EventTimestamp {
    @inline(__always)
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int, cache: inout DateCache) -> Timestamp? {
        guard n == 20, p[19] == UInt8(ascii: "Z"), p[10] == UInt8(ascii: "T"), p[13] == UInt8(ascii: ":"),
              p[16] == UInt8(ascii: ":") else {
            return Timestamp.parse(UnsafeBufferPointer(start: p, count: n))
        }
        let raw = UnsafeRawPointer(p)
        let key = raw.loadUnaligned(as: UInt64.self)
        let key2 = raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)
        var days = cache.days
        if key != cache.key || key2 != cache.key2 || days == .min {
            guard let parsed = date(p) else { return nil }
            days = parsed
            cache = DateCache(key: key, key2: key2, days: days)
        }
        let h1 = p[11] &- 48, h2 = p[12] &- 48, m1 = p[14] &- 48, m2 = p[15] &- 48, s1 = p[17] &- 48, s2 = p[18] &- 48
        guard h1 | h2 | m1 | m2 | s1 | s2 < 16, h2 < 10, m2 < 10, s2 < 10 else { return nil }
        let hour = Int(h1) * 10 + Int(h2), minute = Int(m1) * 10 + Int(m2), second = Int(s1) * 10 + Int(s2)
        guard hour < 24, minute < 60, second <= 60 else { return nil }
        return Timestamp(epochSeconds: Double(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    /// Days since 1970 of the `YYYY-MM-DD` at `p`, if valid.
    @inline(never)
    private static func date(_ p: UnsafePointer<UInt8>) -> Int? {
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-"),
              let y1 = twoDigits(p, 0), let y2 = twoDigits(p, 2),
              let month = twoDigits(p, 5), let day = twoDigits(p, 8) else { return nil }
        let year = y1 * 100 + y2
        guard month >= 1, month <= 12, day >= 1, day <= Timestamp.daysInMonth(year, month) else { return nil }
        return Timestamp.daysFromCivil(year, month, day)
    }

    @inline(__always)
    private static func twoDigits(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int? {
        let a = p[i] &- 48, b = p[i + 1] &- 48
        return a < 10 && b < 10 ? Int(a) * 10 + Int(b) : nil
    }
}
