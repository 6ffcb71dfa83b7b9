extension Timestamp {
    /// Parses RFC 3339 (`2026-06-01T09:00:00Z`, `…+02:00`, optional fraction)
    /// or Unix epoch seconds (`1780304400`, `1780304400.25`).
    public init?(parsing text: String) {
        var text = text
        guard let value = text.withUTF8({ Timestamp.parse(UnsafeBufferPointer(rebasing: $0[...])) }) else { return nil }
        self = value
    }

    /// Parses a timestamp from UTF-8 bytes, without allocating.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        if bytes.isEmpty { return nil }
        if bytes.count >= 20, bytes[4] == UInt8(ascii: "-") { return parseRFC3339(bytes) }
        return parseEpoch(bytes)
    }

    private static func digit(_ b: UInt8) -> Int? {
        b >= 48 && b <= 57 ? Int(b - 48) : nil
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ count: Int) -> Int? {
        var value = 0
        for i in from..<from + count {
            guard let d = digit(bytes[i]) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    private static func parseEpoch(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var i = 0
        var whole = 0
        var sawDigit = false
        while i < bytes.count, let d = digit(bytes[i]) {
            if whole > 100_000_000_000 { return nil }
            whole = whole * 10 + d
            sawDigit = true
            i += 1
        }
        guard sawDigit else { return nil }
        var fraction = 0.0
        if i < bytes.count {
            guard bytes[i] == UInt8(ascii: "."), i + 1 < bytes.count else { return nil }
            i += 1
            var scale = 0.1
            while i < bytes.count {
                guard let d = digit(bytes[i]) else { return nil }
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
        }
        return Timestamp(epochSeconds: Double(whole) + fraction, utcOffsetSeconds: 0)
    }

    private static func parseRFC3339(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
        guard let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"),
              let month = number(b, 5, 2), b[7] == UInt8(ascii: "-"),
              let day = number(b, 8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
              let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"),
              let minute = number(b, 14, 2), b[16] == UInt8(ascii: ":"),
              let second = number(b, 17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year, month),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, let d = digit(b[i]) {
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == b.count, let oh = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"),
                  let om = number(b, i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Timestamp(epochSeconds: Double(seconds) + fraction, utcOffsetSeconds: offset)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date and time of this instant in its own UTC offset.
    public var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let local = Int((epochSeconds).rounded(.down)) + utcOffsetSeconds
        var days = local / 86_400
        var rest = local % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    /// RFC 3339 text in the timestamp's own offset, without fraction.
    public var rfc3339: String {
        // Years 0–9999 (every real timestamp): written digit by digit into one buffer, which
        // cost a twentieth of putting a dozen small strings together; pages and exports show
        // thousands of these.
        let written: String? = TextBytes.onStack(capacity: 32) { text in
            TimestampText.write(self, time: true, to: &text) ? text.asciiString : nil
        }
        return written ?? rfc3339Padded
    }

    /// `rfc3339` for any year and offset, by padding each field's decimal text.
    private var rfc3339Padded: String {
        let c = civil
        func pad(_ v: Int, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        var zone = "Z"
        if utcOffsetSeconds != 0 {
            let a = abs(utcOffsetSeconds)
            zone = (utcOffsetSeconds < 0 ? "-" : "+") + pad(a / 3600) + ":" + pad(a % 3600 / 60)
        }
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))\(zone)"
    }
}
