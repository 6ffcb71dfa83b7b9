/// `Timestamp.rfc3339` and its date, written digit by digit into one buffer.
enum TimestampText {
    /// `2026-06-01T09:00:00+02:00`: exactly `timestamp.rfc3339`.
    static func rfc3339(_ timestamp: Timestamp) -> String {
        let written: String? = TextBytes.onStack(capacity: 32) { text in
            write(timestamp, time: true, to: &text) ? text.string : nil
        }
        return written ?? timestamp.rfc3339
    }

    /// `2026-06-01`: the first ten characters of `timestamp.rfc3339`.
    static func date(_ timestamp: Timestamp) -> String {
        let written: String? = TextBytes.onStack(capacity: 16) { text in
            write(timestamp, time: false, to: &text) ? text.string : nil
        }
        return written ?? String(timestamp.rfc3339.prefix(10))
    }

    /// Writes the RFC 3339 text (or only its date) for years 0–9999 and offsets under 100 hours,
    /// where every field has its fixed width; returns false, writing nothing, otherwise.
    static func write(_ timestamp: Timestamp, time: Bool, to text: inout TextBytes) -> Bool {
        let c = timestamp.civil
        let offset = abs(timestamp.utcOffsetSeconds)
        guard c.year >= 0, c.year <= 9999, offset / 3600 < 100 else { return false }
        // Into a scratch buffer first, then appended as one piece.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { scratch in
            var n = 0
            func byte(_ b: UInt8) {
                scratch[n] = b
                n += 1
            }
            func two(_ value: Int) {
                byte(UInt8(ascii: "0") + UInt8(value / 10))
                byte(UInt8(ascii: "0") + UInt8(value % 10))
            }
            two(c.year / 100)
            two(c.year % 100)
            byte(UInt8(ascii: "-"))
            two(c.month)
            byte(UInt8(ascii: "-"))
            two(c.day)
            if time {
                byte(UInt8(ascii: "T"))
                two(c.hour)
                byte(UInt8(ascii: ":"))
                two(c.minute)
                byte(UInt8(ascii: ":"))
                two(c.second)
                if timestamp.utcOffsetSeconds == 0 {
                    byte(UInt8(ascii: "Z"))
                } else {
                    byte(timestamp.utcOffsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                    two(offset / 3600)
                    byte(UInt8(ascii: ":"))
                    two(offset % 3600 / 60)
                }
            }
            text.append(UnsafeBufferPointer(rebasing: scratch[..<n]))
            return true
        }
    }
}
