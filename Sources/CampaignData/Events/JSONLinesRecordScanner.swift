import Glibc

// JSON Lines records: one JSON object per line, with the keys of the CSV
// columns. Values of the known keys are strings (`null` = absent);
// `timestamp` may also be a number, `machine` a boolean or number. Unknown
// keys may hold any JSON value and are skipped. A JSON string cannot hold a
// raw line break, so every LF ends a record.

private let lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r")
private let quoteByte = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

struct JSONLinesRecordScanner: EventRecordScanner {
    private(set) var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 4096
    private var scratchUsed = 0
    let openQuote: Int? = nil
    private(set) var problem = ""

    init() {
        scratch = .allocate(capacity: scratchCapacity)
    }

    func release() {
        scratch.deallocate()
    }

    var usedScratch: Bool { scratchUsed > 0 }

    private struct Problem: Error {
        var at: Int
        var message: String
    }

    mutating func scan(_ buf: UnsafeMutablePointer<UInt8>, from pos: Int, to end: Int, atEOF: Bool,
                       into fields: UnsafeMutablePointer<FieldSlice>) -> RecordScan {
        scratchUsed = 0
        let next: Int, newlines: Int
        var lineEnd: Int
        if let found = memchr(buf + pos, Int32(lf), end - pos) {
            lineEnd = buf.distance(to: found.assumingMemoryBound(to: UInt8.self))
            next = lineEnd + 1
            newlines = 1
        } else {
            if !atEOF { return .needMore }
            lineEnd = end
            next = end
            newlines = 0
        }
        if lineEnd > pos, buf[lineEnd - 1] == cr { lineEnd -= 1 }
        var i = pos
        while i < lineEnd, isSpace(buf[i]) { i += 1 }
        if i == lineEnd { return .blank(end: next, newlines: newlines) }

        for f in 0..<EventField.allCases.count { fields[f].present = false }
        if lineEnd - pos > scratchCapacity {
            scratch.deallocate()
            while scratchCapacity < lineEnd - pos { scratchCapacity *= 2 }
            scratch = .allocate(capacity: scratchCapacity)
        }
        scratchUsed = 0
        do {
            try parseObject(buf, from: i, to: lineEnd, into: fields)
        } catch {
            problem = error.message
            return .bad(end: next, newlines: newlines, at: error.at)
        }
        return .record(end: next, newlines: newlines)
    }

    @inline(__always)
    private func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == cr }

    private func describe(_ buf: UnsafeMutablePointer<UInt8>, _ i: Int, _ end: Int) -> String {
        i < end ? quoted(String(decoding: UnsafeBufferPointer(start: buf + i, count: min(20, end - i)), as: UTF8.self)) : "the end of the line"
    }

    private mutating func parseObject(_ buf: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int,
                                      into fields: UnsafeMutablePointer<FieldSlice>) throws(Problem) {
        var i = start
        guard buf[i] == UInt8(ascii: "{") else {
            throw Problem(at: i, message: "found \(describe(buf, i, end)): expected a JSON object ({…}) on each line")
        }
        i += 1
        skipSpace(buf, &i, end)
        if i < end, buf[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < end, buf[i] == quoteByte else {
                    throw Problem(at: i, message: "found \(describe(buf, i, end)): expected a key in double quotes")
                }
                let key = try parseString(buf, &i, end)
                let keyText = UnsafeBufferPointer(start: key.inScratch ? scratch + key.start : buf + key.start, count: key.count)
                let field = EventField.named(keyText)
                skipSpace(buf, &i, end)
                guard i < end, buf[i] == UInt8(ascii: ":") else {
                    throw Problem(at: i, message: "found \(describe(buf, i, end)): expected \":\" after a key")
                }
                i += 1
                skipSpace(buf, &i, end)
                let valueStart = i
                guard i < end else { throw Problem(at: i, message: "found the end of the line: expected a value") }
                var value: FieldSlice
                switch buf[i] {
                case quoteByte:
                    value = try parseString(buf, &i, end)
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    let literals: [StaticString] = ["true", "false", "null"]
                    guard let literal = literals.first(where: { lit in
                        end - i >= lit.utf8CodeUnitCount && bytesEqual(buf + i, lit.utf8Start, lit.utf8CodeUnitCount)
                    }) else { throw Problem(at: i, message: "found \(describe(buf, i, end)): expected a JSON value") }
                    value = FieldSlice(start: i, count: literal.utf8CodeUnitCount, position: i, present: true,
                                       inScratch: false, kind: buf[i] == UInt8(ascii: "n") ? .null : .bool)
                    i += literal.utf8CodeUnitCount
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    value = try parseNumber(buf, &i, end)
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try skipNested(buf, &i, end)
                    value = FieldSlice(start: valueStart, count: i - valueStart, position: valueStart, present: true, inScratch: false, kind: .null)
                    if let field {
                        let what = buf[valueStart] == UInt8(ascii: "{") ? "an object" : "an array"
                        throw Problem(at: valueStart, message: "\(field.name) is \(what): expected \(Self.expectedType(field))")
                    }
                default:
                    throw Problem(at: i, message: "found \(describe(buf, i, end)): expected a JSON value")
                }
                if let field {
                    let allowed: Bool
                    switch value.kind {
                    case .string, .null: allowed = true
                    case .number: allowed = field == .timestamp || field == .machine
                    case .bool: allowed = field == .machine
                    }
                    guard allowed else {
                        let text = String(decoding: UnsafeBufferPointer(start: buf + value.start, count: value.count), as: UTF8.self)
                        let what = value.kind == .number ? "the number \(text)" : "the boolean \(text)"
                        throw Problem(at: valueStart, message: "\(field.name) is \(what): expected \(Self.expectedType(field))")
                    }
                    if value.kind != .null { fields[field.rawValue] = value }
                    else { fields[field.rawValue].present = false }
                }
                skipSpace(buf, &i, end)
                guard i < end else { throw Problem(at: i, message: "found the end of the line: expected \",\" or \"}\"") }
                if buf[i] == UInt8(ascii: ",") {
                    i += 1
                    skipSpace(buf, &i, end)
                    continue
                }
                guard buf[i] == UInt8(ascii: "}") else {
                    throw Problem(at: i, message: "found \(describe(buf, i, end)): expected \",\" or \"}\"")
                }
                i += 1
                break
            }
        }
        skipSpace(buf, &i, end)
        guard i == end else { throw Problem(at: i, message: "found \(describe(buf, i, end)) after the object: expected one JSON object per line") }
    }

    /// The JSON types a known key accepts, and what its value means.
    private static func expectedType(_ field: EventField) -> String {
        switch field {
        case .timestamp: "a string or number (\(field.expected))"
        case .machine: "a boolean, string or number (\(field.expected))"
        default: "a string (\(field.expected))"
        }
    }

    @inline(__always)
    private func skipSpace(_ buf: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int) {
        while i < end, isSpace(buf[i]) { i += 1 }
    }

    /// A string at `i` (the opening quote); unescaped into the scratch buffer when it has escapes.
    private mutating func parseString(_ buf: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int) throws(Problem) -> FieldSlice {
        let open = i
        var j = i + 1
        while j < end, buf[j] != quoteByte, buf[j] != backslash, buf[j] >= 0x20 { j += 1 }
        if j < end, buf[j] == quoteByte {
            i = j + 1
            return FieldSlice(start: open + 1, count: j - open - 1, position: open, present: true, inScratch: false, kind: .string)
        }
        // Slow path: escapes (or an error).
        let begin = scratchUsed
        var out = scratchUsed
        (scratch + out).update(from: buf + open + 1, count: j - open - 1)
        out += j - open - 1
        while true {
            guard j < end else { throw Problem(at: open, message: "unterminated string: expected a closing quote before the end of the line") }
            let b = buf[j]
            if b == quoteByte { break }
            if b < 0x20 { throw Problem(at: j, message: "control character in a string: expected it escaped (e.g. \\n)") }
            if b != backslash {
                scratch[out] = b
                out += 1
                j += 1
                continue
            }
            guard j + 1 < end else { throw Problem(at: j, message: "unterminated escape: expected a character after \\") }
            let e = buf[j + 1]
            switch e {
            case quoteByte, backslash, UInt8(ascii: "/"): scratch[out] = e; out += 1; j += 2
            case UInt8(ascii: "b"): scratch[out] = 0x08; out += 1; j += 2
            case UInt8(ascii: "f"): scratch[out] = 0x0C; out += 1; j += 2
            case UInt8(ascii: "n"): scratch[out] = 0x0A; out += 1; j += 2
            case UInt8(ascii: "r"): scratch[out] = 0x0D; out += 1; j += 2
            case UInt8(ascii: "t"): scratch[out] = 0x09; out += 1; j += 2
            case UInt8(ascii: "u"):
                guard var scalar = hex4(buf, j + 2, end) else {
                    throw Problem(at: j, message: "bad \\u escape: expected four hex digits")
                }
                j += 6
                if scalar >= 0xD800, scalar < 0xDC00 {
                    // A surrogate pair: the low half must follow.
                    if j + 1 < end, buf[j] == backslash, buf[j + 1] == UInt8(ascii: "u"), let low = hex4(buf, j + 2, end),
                       low >= 0xDC00, low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        j += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00, scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                // An escape writes at most 4 bytes from at least 6 bytes of input: the scratch cannot overflow.
                for byte in Unicode.Scalar(scalar).map({ Array(String($0).utf8) }) ?? [0xEF, 0xBF, 0xBD] {
                    scratch[out] = byte
                    out += 1
                }
            default:
                throw Problem(at: j, message: "bad escape \\\(String(decoding: [e], as: UTF8.self)): expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
            }
        }
        i = j + 1
        scratchUsed = out
        return FieldSlice(start: begin, count: out - begin, position: open, present: true, inScratch: true, kind: .string)
    }

    private func hex4(_ buf: UnsafeMutablePointer<UInt8>, _ at: Int, _ end: Int) -> UInt32? {
        guard at + 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let b = buf[at + k]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// A JSON number at `i`, kept as its text.
    private func parseNumber(_ buf: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int) throws(Problem) -> FieldSlice {
        let start = i
        func digits(_ j: inout Int) -> Int {
            let s = j
            while j < end, buf[j] &- 48 < 10 { j += 1 }
            return j - s
        }
        var j = i
        if buf[j] == UInt8(ascii: "-") { j += 1 }
        guard digits(&j) > 0 else { throw Problem(at: start, message: "found \(describe(buf, start, end)): expected a JSON number") }
        if j < end, buf[j] == UInt8(ascii: ".") {
            j += 1
            guard digits(&j) > 0 else { throw Problem(at: start, message: "found \(describe(buf, start, end)): expected digits after the decimal point") }
        }
        if j < end, buf[j] == UInt8(ascii: "e") || buf[j] == UInt8(ascii: "E") {
            j += 1
            if j < end, buf[j] == UInt8(ascii: "+") || buf[j] == UInt8(ascii: "-") { j += 1 }
            guard digits(&j) > 0 else { throw Problem(at: start, message: "found \(describe(buf, start, end)): expected digits in the exponent") }
        }
        i = j
        return FieldSlice(start: start, count: j - start, position: start, present: true, inScratch: false, kind: .number)
    }

    /// Skips an object or array (of an unknown key), minding strings.
    private func skipNested(_ buf: UnsafeMutablePointer<UInt8>, _ i: inout Int, _ end: Int) throws(Problem) {
        let start = i
        var depth = 0
        var j = i
        while j < end {
            let b = buf[j]
            if b == quoteByte {
                j += 1
                while j < end, buf[j] != quoteByte { j += buf[j] == backslash ? 2 : 1 }
                guard j < end else { break }
            } else if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { i = j + 1; return }
            }
            j += 1
        }
        throw Problem(at: start, message: "unclosed \(describe(buf, start, start + 1)): expected the value to end on the same line")
    }
}
