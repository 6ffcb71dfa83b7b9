#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Export text in the making (a metrics.json object, CSV rows).
///
/// Every piece (keys, punctuation, numbers, strings as they are or escaped) is copied as UTF-8
/// bytes into one buffer, and the text is made once at the end: no per-value temporary
/// strings, and only text beyond ASCII is validated as UTF-8, once.
struct ExportText: TextOutputStream {
    /// The bytes written: UTF-8, since only whole strings and ASCII bytes are ever appended.
    private var pending: TextBytes
    /// Whether every byte written is ASCII (the usual CSV row), so the text needs no validation.
    private var ascii = true

    init(capacity: Int) {
        pending = TextBytes(capacity: min(max(capacity, 0), 8192))
    }

    /// The text written.
    func finish() -> String {
        ascii ? pending.asciiString : pending.string
    }

    /// The text written, as UTF-8 bytes.
    func finishBytes() -> [UInt8] {
        pending.withBytes { Array($0) }
    }

    /// Appends a string that may hold any text, as it is.
    private mutating func appendText(_ string: String) {
        ascii = false
        pending.append(string)
    }

    // MARK: - ASCII pieces

    /// An ASCII literal: keys, punctuation.
    mutating func ascii(_ literal: StaticString) {
        literal.withUTF8Buffer { pending.append($0) }
    }

    mutating func byte(_ byte: UInt8) { pending.append(byte: byte) }

    /// Bytes known to be ASCII.
    mutating func asciiBytes(_ bytes: UnsafeBufferPointer<UInt8>) { pending.append(bytes) }

    /// `String(value)`.
    mutating func int(_ value: Int) {
        if value >= 0 && value < 10 {
            pending.append(byte: UInt8(ascii: "0") + UInt8(value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { pending.append(byte: UInt8(ascii: "-")) }
            pending.append(UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// `MetricsExport.jsonNumber(value)`.
    mutating func jsonNumber(_ value: Double?) {
        guard let value, value.isFinite else { ascii("null"); return }
        if value == value.rounded(), abs(value) < 1e15 { int(Int(value)); return }
        // Swift's shortest round-trip form, as `"\(value)"` writes it.
        value.write(to: &self)
    }

    // TextOutputStream, for `Double.write(to:)`: it writes ASCII digits.

    mutating func write(_ string: String) {
        if let written = string.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
            guard ExportText.scan(bytes).ascii else { return false }
            pending.append(bytes)
            return true
        }), written {
            return
        }
        appendText(string)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { pending.append(buffer) }

    // MARK: - JSON strings

    /// `MetricsExport.jsonString(string)`: a JSON string literal with the escapes RFC 8259
    /// requires, and U+2028/U+2029 escaped for JavaScript.
    mutating func jsonString(_ string: String) {
        var string = string
        string.withUTF8 { bytes in
            let scan = ExportText.scan(bytes)
            if !scan.ascii { ascii = false }
            if !scan.jsonSpecial && (scan.ascii || !ExportText.containsLineSeparator(bytes)) {
                // Nothing to escape (the usual string): its bytes between quotes.
                pending.append(byte: UInt8(ascii: "\""))
                pending.append(bytes)
                pending.append(byte: UInt8(ascii: "\""))
            } else {
                ExportText.appendEscapedJSON(bytes, to: &pending)
            }
        }
    }

    /// Appends the quoted, escaped literal of `bytes`, copying the runs between escapes whole.
    static func appendEscapedJSON(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout TextBytes) {
        let hex: StaticString = "0123456789abcdef"
        out.append(byte: 0x22)
        var runStart = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let escape: StaticString?
            var width = 1
            switch b {
            case 0x22: escape = "\\\""
            case 0x5C: escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                escape = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                width = 3
            case _ where b < 0x20:
                escape = nil
            default:
                i += 1
                continue
            }
            if runStart < i { out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            if let escape {
                out.append(escape)
            } else {
                out.append("\\u00" as StaticString)
                hex.withUTF8Buffer { digits in
                    out.append(byte: digits[Int(b >> 4)])
                    out.append(byte: digits[Int(b & 15)])
                }
            }
            i += width
            runStart = i
        }
        if runStart < bytes.count { out.append(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        out.append(byte: 0x22)
    }

    // MARK: - CSV fields

    /// `MetricsExport.csvField(string)`: RFC 4180 quoting, and a `'` before a leading `= + - @`
    /// (or tab, CR) so spreadsheets never run the field as a formula.
    mutating func csvField(_ string: String) {
        var string = string
        let done: Bool = string.withUTF8 { bytes in
            guard let first = bytes.first else { return true }
            // Text beyond ASCII, and fields that may need formula protection (where a number
            // such as -3 stays as it is), are worked out on characters.
            guard !ExportText.formulaStart(first), ExportText.scan(bytes).ascii else { return false }
            // ASCII text is one character per byte, except CR LF, which is one character
            // (and so neither a CR nor an LF to quote for).
            var quote = false
            var i = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "\""):
                    quote = true
                case UInt8(ascii: "\r"):
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { i += 1 } else { quote = true }
                case UInt8(ascii: "\n"):
                    quote = true
                default:
                    break
                }
                if quote { break }
                i += 1
            }
            guard quote else {
                pending.append(bytes)
                return true
            }
            pending.append(byte: UInt8(ascii: "\""))
            for b in bytes {
                pending.append(byte: b)
                if b == UInt8(ascii: "\"") { pending.append(byte: b) }
            }
            pending.append(byte: UInt8(ascii: "\""))
            return true
        }
        if !done { appendText(ExportText.csvFieldByCharacters(string)) }
    }

    /// `Timestamp.rfc3339`, as a CSV field: written in place when its fields have their fixed widths
    /// (it never needs quoting then), else as `csvField(timestamp.rfc3339)`.
    mutating func timestamp(_ timestamp: Timestamp) {
        if !TimestampText.write(timestamp, time: true, to: &pending) { csvField(timestamp.rfc3339) }
    }

    /// `csvField(MetricsExport.insightIDs(insights))`. Rule ids are plain ASCII words: their bytes are
    /// written as they are, separated by spaces; any other id takes the general path.
    mutating func insightIDs(_ insights: [Insight]) {
        var plain = true
        var first = true
        for i in insights.indices where insights[i].kind != .summary {
            var id = insights[i].id
            plain = id.withUTF8 { bytes in
                guard let lead = bytes.first else { return false }
                if first && ExportText.formulaStart(lead) { return false }
                return bytes.allSatisfy(ExportText.isPlainCSVByte)
            }
            if !plain { break }
            first = false
        }
        guard plain else {
            csvField(MetricsExport.insightIDs(insights))
            return
        }
        first = true
        for i in insights.indices where insights[i].kind != .summary {
            if !first { pending.append(byte: UInt8(ascii: " ")) }
            first = false
            pending.append(insights[i].id)
        }
    }

    /// ASCII that a CSV field holds without quoting: printable, and not `,` or `"`.
    static func isPlainCSVByte(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x7F && b != UInt8(ascii: ",") && b != UInt8(ascii: "\"")
    }

    /// The first bytes `csvField` protects against: `= + - @`, tab, CR.
    static func formulaStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): true
        default: false
        }
    }

    /// `csvField` worked out on characters, for text beyond ASCII (where a combining mark can
    /// join a comma or quote into a larger character).
    static func csvFieldByCharacters(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(v) == nil {
            v = "'" + v
        }
        if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            var quoted = "\""
            for ch in v { if ch == "\"" { quoted += "\"\"" } else { quoted.append(ch) } }
            return quoted + "\""
        }
        return v
    }

    // MARK: - Scanning

    /// Whether `bytes` are all ASCII, and whether any needs a JSON escape (a control character,
    /// `"` or `\`), eight bytes at a time.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (ascii: Bool, jsonSpecial: Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var high: UInt64 = 0, special: UInt64 = 0
        guard let base = bytes.baseAddress else { return (true, false) }
        let raw = UnsafeRawPointer(base)
        // A byte's high bit in `(w - 0x20…) & ~w` is set exactly when some byte of the word is below
        // 0x20 (no byte below it: no borrow, no bit); likewise `(q - 0x01…) & ~q` for a zero byte of
        // q = w ^ 0x22… (a quote) and of w ^ 0x5C… (a backslash). Only high bits are kept, and q's
        // high bits are w's, so one `& ~w` serves all three.
        @inline(__always) func flags(_ w: UInt64) -> UInt64 {
            let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
            return ((w &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~w
        }
        var i = 0
        while i + 16 <= bytes.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let v = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
            high |= w | v
            special |= flags(w) | flags(v)
            i += 16
        }
        if i + 8 <= bytes.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            high |= w
            special |= flags(w)
            i += 8
        }
        var ascii = high & highs == 0
        var jsonSpecial = special & highs != 0
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x80 { ascii = false }
            if b < 0x20 || b == 0x22 || b == 0x5C { jsonSpecial = true }
            i += 1
        }
        return (ascii, jsonSpecial)
    }

    /// Whether `bytes` hold U+2028 or U+2029 (E2 80 A8, E2 80 A9).
    static func containsLineSeparator(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var i = 0
        while i + 2 < bytes.count {
            // The next E2 byte, found by the C library's word-at-a-time search.
            guard let found = memchr(base + i, 0xE2, bytes.count - 2 - i) else { return false }
            let at = UnsafeRawPointer(found).assumingMemoryBound(to: UInt8.self) - base
            if bytes[at + 1] == 0x80 && (bytes[at + 2] == 0xA8 || bytes[at + 2] == 0xA9) { return true }
            i = at + 1
        }
        return false
    }
}
