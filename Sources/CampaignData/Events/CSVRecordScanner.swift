import Glibc

// CSV (RFC 4180) records straight from the read buffer: fields separated by
// commas, records by LF or CRLF; a field that starts with a quote runs to the
// matching quote, with "" standing for one quote and commas and line breaks
// allowed inside. A quote inside an unquoted field is kept as a literal
// character (lenient, as most exporters' readers are). A lone CR that is not
// part of CRLF is data.

private let comma = UInt8(ascii: ",")
private let quote = UInt8(ascii: "\"")
private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")

/// The outcome of scanning one record from the buffer.
enum RecordScan {
    /// A record; its fields are where the scan put them. `end` is the buffer index after it.
    case record(end: Int, newlines: Int)
    /// An empty or blank line.
    case blank(end: Int, newlines: Int)
    /// The record continues past the bytes read so far.
    case needMore
    /// A record that cannot be used (the scanner's `problem` says why); reading continues at `end`.
    case bad(end: Int, newlines: Int, at: Int)
    /// The rest of the file cannot be read as records (an unterminated quote).
    case fatal(at: Int)
}

/// Reads one record at a time from a buffer, for `EventFileReader`.
protocol EventRecordScanner {
    var scratch: UnsafeMutablePointer<UInt8> { get }
    /// The last record has values unescaped into `scratch`, which the next scan reuses.
    var usedScratch: Bool { get }
    /// When the last scan asked for more bytes inside a quoted field: where it opened.
    var openQuote: Int? { get }
    /// What is wrong with the record of the last `.bad` or `.fatal` scan.
    var problem: String { get }
    /// Scans the record at `pos`, putting its fields in `fields` (one slot per `EventField`).
    mutating func scan(_ buf: UnsafeMutablePointer<UInt8>, from pos: Int, to end: Int, atEOF: Bool,
                       into fields: UnsafeMutablePointer<FieldSlice>) -> RecordScan
    func release()
}

/// Index of the first `,` LF or CR in `p..<end`, or `end`: 8 bytes at a time.
@inline(__always)
func findCSVDelimiter(_ buf: UnsafeMutablePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
    @inline(__always) func has(_ w: UInt64, _ byte: UInt64) -> UInt64 {
        let x = w ^ (byte &* 0x0101_0101_0101_0101)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
    var q = from
    while end - q >= 8 {
        let w = UnsafeRawPointer(buf + q).loadUnaligned(as: UInt64.self)
        let m = has(w, 0x2C) | has(w, 0x0A) | has(w, 0x0D)
        if m != 0 { return q + m.trailingZeroBitCount >> 3 }
        q += 8
    }
    while q < end {
        let c = buf[q]
        if c == comma || c == lf || c == cr { return q }
        q += 1
    }
    return end
}

struct CSVRecordScanner: EventRecordScanner {
    /// For each column of the header, the `EventField` raw value it feeds, or `EventField.discardSlot`.
    private let roles: UnsafeMutablePointer<Int8>
    private let columnCount: Int
    private(set) var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    private(set) var openQuote: Int?
    private(set) var problem = ""
    /// Fields whose quoted text has doubled quotes to collapse after the scan.
    private var pendingUnescape: UInt8 = 0

    init(columns: [EventField?]) {
        columnCount = columns.count
        roles = .allocate(capacity: max(1, columns.count))
        for (i, field) in columns.enumerated() { roles[i] = Int8(field?.rawValue ?? EventField.discardSlot) }
        scratch = .allocate(capacity: scratchCapacity)
    }

    func release() {
        roles.deallocate()
        scratch.deallocate()
    }

    var usedScratch: Bool { pendingUnescape != 0 }

    mutating func scan(_ buf: UnsafeMutablePointer<UInt8>, from pos: Int, to end: Int, atEOF: Bool,
                       into fields: UnsafeMutablePointer<FieldSlice>) -> RecordScan {
        openQuote = nil
        pendingUnescape = 0
        let first = buf[pos]
        if first == lf { return .blank(end: pos + 1, newlines: 1) }
        if first == cr || first == 0x20 || first == 0x09 {
            var q = pos
            while q < end, buf[q] == 0x20 || buf[q] == 0x09 { q += 1 }
            if q == end { return atEOF ? .blank(end: end, newlines: 0) : .needMore }
            if buf[q] == lf { return .blank(end: q + 1, newlines: 1) }
            if buf[q] == cr {
                if q + 1 == end { return atEOF ? .blank(end: end, newlines: 0) : .needMore }
                if buf[q + 1] == lf { return .blank(end: q + 2, newlines: 1) }
            }
        }

        if let fast = scanPlainLine(buf, from: pos, to: end, into: fields) { return fast }

        var p = pos
        var column = 0
        var newlines = 0
        var problemAt = -1
        var quoteProblem = ""
        var extraFieldAt = -1
        pendingUnescape = 0
        while true {
            let fieldStart = p
            var contentStart = p
            var contentEnd: Int
            var doubled = false
            if p < end, buf[p] == quote {
                var q = p + 1
                while true {
                    while q < end, buf[q] != quote {
                        if buf[q] == lf { newlines += 1 }
                        q += 1
                    }
                    if q == end {
                        if atEOF {
                            problem = "unterminated quoted field: the quote opened here is never closed"
                            return .fatal(at: fieldStart)
                        }
                        openQuote = fieldStart
                        return .needMore
                    }
                    if q + 1 == end, !atEOF { openQuote = fieldStart; return .needMore }
                    if q + 1 < end, buf[q + 1] == quote { doubled = true; q += 2; continue }
                    break
                }
                contentStart = p + 1
                contentEnd = q
                p = q + 1
                if p < end {
                    let b = buf[p]
                    let strayCR = b == cr && p + 1 < end && buf[p + 1] != lf
                    if b == cr, p + 1 == end, !atEOF { return .needMore }
                    if strayCR || (b != comma && b != lf && b != cr) {
                        if problemAt < 0 {
                            problemAt = p
                            quoteProblem = "unexpected \(quoted(String(decoding: [b], as: UTF8.self))) after a closing quote: expected a comma or the end of the line (write a quote inside a quoted field as \"\")"
                        }
                        p = skipToDelimiter(buf, p + 1, end)
                    }
                }
            } else {
                p = skipToDelimiter(buf, p, end)
                contentEnd = p
                // A file that ends in a lone CR: the CR ends the line.
                if p == end, atEOF, p > fieldStart, buf[p - 1] == cr { contentEnd = p - 1 }
            }
            if p == end, !atEOF { return .needMore }
            if column < columnCount {
                let role = Int(roles[column])
                fields[role] = FieldSlice(start: contentStart, count: contentEnd - contentStart, position: fieldStart,
                                          present: true, inScratch: false, kind: .string)
                if doubled, role < EventField.discardSlot { pendingUnescape |= 1 << UInt8(role) }
            } else if column == columnCount {
                extraFieldAt = fieldStart
            }
            column += 1
            if p == end { break }
            let b = buf[p]
            if b == comma { p += 1; continue }
            if b == lf { p += 1; newlines += 1; break }
            // CR: only a CRLF gets here, or a lone CR as the file's last byte.
            if p + 1 < end { p += 2; newlines += 1 } else { p += 1 }
            break
        }
        if problemAt >= 0 {
            problem = quoteProblem
            return .bad(end: p, newlines: newlines, at: problemAt)
        }
        if column != columnCount {
            let found = "row has \(column) field\(column == 1 ? "" : "s") but the header has \(columnCount)"
            if column > columnCount {
                problem = "\(found): expected \(columnCount) comma-separated values (quote a value that contains a comma)"
                return .bad(end: p, newlines: newlines, at: extraFieldAt)
            }
            var lineEnd = p
            while lineEnd > pos, buf[lineEnd - 1] == lf || buf[lineEnd - 1] == cr { lineEnd -= 1 }
            problem = "\(found): expected \(columnCount) comma-separated values"
            return .bad(end: p, newlines: newlines, at: lineEnd)
        }
        if pendingUnescape != 0 { unescapeFields(buf, fields, recordLength: p - pos) }
        return .record(end: p, newlines: newlines)
    }

    /// Lines up to this long take the fast path.
    private static let fastLineBytes = 4096

    /// The common case, fast: a complete line without quotes and with the
    /// header's number of fields. Finds the line end with `memchr`, then the
    /// commas 8 bytes at a time. Anything else (quotes, a short or long row, the
    /// last line of the buffer) returns nil for the general scan.
    @inline(__always)
    private func scanPlainLine(_ buf: UnsafeMutablePointer<UInt8>, from pos: Int, to end: Int,
                               into fields: UnsafeMutablePointer<FieldSlice>) -> RecordScan? {
        guard let found = memchr(buf + pos, Int32(lf), min(end - pos, Self.fastLineBytes + 1)) else { return nil }
        let lineEnd = buf.distance(to: found.assumingMemoryBound(to: UInt8.self))
        var contentEnd = lineEnd
        if contentEnd > pos, buf[contentEnd - 1] == cr { contentEnd -= 1 }
        let ones: UInt64 = 0x0101_0101_0101_0101, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let commaWord = UInt64(comma) &* ones
        // A quote matters only where a field starts (inside an unquoted field it is a character).
        var quoteAtStart: UInt8 = buf[pos] == quote ? 1 : 0
        var column = 0
        var fieldStart = pos
        // Wrapping arithmetic below: every index stays within the line.
        @inline(__always) func field(_ stop: Int) {
            if column < columnCount {
                fields[Int(roles[column])] = FieldSlice(start: fieldStart, count: stop &- fieldStart, position: fieldStart,
                                                        present: true, inScratch: false, kind: .string)
            }
            column &+= 1
            fieldStart = stop &+ 1
            quoteAtStart |= buf[fieldStart] == quote ? 1 : 0  // fieldStart ≤ contentEnd ≤ lineEnd
        }
        /// The commas of the 8 bytes at `q`, as the high bit of each such byte (exact).
        @inline(__always) func commas(_ q: Int) -> UInt64 {
            let t = UnsafeRawPointer(buf + q).loadUnaligned(as: UInt64.self) ^ commaWord
            return ~(((t & lows) &+ lows) | t | lows)
        }
        let length = contentEnd &- pos
        if length >= 8 {
            var q = pos
            let lastWord = contentEnd &- 8
            while q < lastWord {
                var m = commas(q)
                while m != 0 {
                    field(q &+ m.trailingZeroBitCount >> 3)
                    m &= m &- 1
                }
                q &+= 8
            }
            // The last 8 bytes, overlapping bytes already seen: drop those.
            var m = commas(lastWord) & (~0 << UInt64((q &- lastWord) << 3))
            while m != 0 {
                field(lastWord &+ m.trailingZeroBitCount >> 3)
                m &= m &- 1
            }
        } else {
            for q in pos..<contentEnd where buf[q] == comma { field(q) }
        }
        field(contentEnd)
        guard quoteAtStart == 0, column == columnCount else { return nil }
        return .record(end: lineEnd + 1, newlines: 1)
    }

    /// The end of an unquoted field: the next comma, LF, or CR of a CRLF.
    @inline(__always)
    private func skipToDelimiter(_ buf: UnsafeMutablePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var p = findCSVDelimiter(buf, from, end)
        while p < end, buf[p] == cr {
            if p + 1 == end { return end }  // undecided: the caller asks for more bytes (or it is the last byte)
            if buf[p + 1] == lf { return p }
            p = findCSVDelimiter(buf, p + 1, end)
        }
        return p
    }

    /// Collapses "" to " in the fields that have them, into the scratch buffer.
    private mutating func unescapeFields(_ buf: UnsafeMutablePointer<UInt8>, _ fields: UnsafeMutablePointer<FieldSlice>, recordLength: Int) {
        if recordLength > scratchCapacity {
            scratch.deallocate()
            while scratchCapacity < recordLength { scratchCapacity *= 2 }
            scratch = .allocate(capacity: scratchCapacity)
        }
        var out = 0
        for role in 0..<EventField.allCases.count where pendingUnescape & (1 << UInt8(role)) != 0 {
            let slice = fields[role]
            let begin = out
            var i = slice.start
            let stop = slice.start + slice.count
            while i < stop {
                scratch[out] = buf[i]
                out += 1
                i += buf[i] == quote ? 2 : 1
            }
            fields[role].start = begin
            fields[role].count = out - begin
            fields[role].inScratch = true
        }
    }
}
