/// A JSON document parsed with the position of every value, so errors can
/// name the file, line and column of the offending value.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, with its source text so integers are exact.
    case number(Double, text: String)
    case string(String)
    case array([JSONNode])
    /// Members in source order (duplicates kept, so callers can reject them).
    case object([(key: String, keyPosition: JSONPosition, value: JSONNode)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a, _), .number(b, _)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// What kind of value this is, in the words an error message uses.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A 1-based line and column (in characters) in a JSON source.
public struct JSONPosition: Sendable, Equatable {
    public var line: Int
    public var column: Int
}

/// A JSON value and where it starts.
public struct JSONNode: Sendable, Equatable {
    public var value: JSONValue
    public var position: JSONPosition
    /// The byte offsets of the value's text in the parsed bytes.
    public var span: Range<Int> = 0..<0

    public static func == (lhs: JSONNode, rhs: JSONNode) -> Bool { lhs.value == rhs.value }

    /// The value as an error message quotes it: strings quoted, numbers as written, else its kind.
    public var valueForMessage: String {
        switch value {
        case let .string(s): return quoted(s)
        case let .number(_, text): return text
        case let .bool(b): return String(b)
        case .null: return "null"
        default: return value.kindName
        }
    }

    /// The member named `key`, if this is an object that has it (the first one).
    public subscript(key: String) -> JSONNode? {
        guard case let .object(members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// A syntax error in a JSON source.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public var position: JSONPosition
    public var message: String
}

/// The byte a JSON single-character escape (`\n`, `\"`…) stands for; nil for `\u` and invalid ones.
func jsonSimpleEscape(_ e: UInt8) -> UInt8? {
    switch e {
    case UInt8(ascii: "\""): 0x22
    case UInt8(ascii: "\\"): 0x5C
    case UInt8(ascii: "/"): 0x2F
    case UInt8(ascii: "b"): 0x08
    case UInt8(ascii: "f"): 0x0C
    case UInt8(ascii: "n"): 0x0A
    case UInt8(ascii: "r"): 0x0D
    case UInt8(ascii: "t"): 0x09
    default: nil
    }
}

/// A small, strict (RFC 8259) JSON parser that tracks positions.
public struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    public static func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    /// Parses an input file's bytes; a syntax error becomes the input error every loader reports.
    public static func parse(bytes: [UInt8], file: String) throws(InputError) -> JSONNode {
        do {
            return try parse(bytes: bytes)
        } catch {
            throw InputError(.invalid, at: SourceLocation(file: file, line: error.position.line, column: error.position.column),
                             "invalid JSON: \(error.message)")
        }
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3; lineStart = 3 }
    }

    // MARK: - Positions

    /// Column counting is incremental (the parser only moves forward), so
    /// positions stay O(1) amortised even when a whole file is one line.
    private var columnIndex = 0
    private var columnValue = 1

    private var position: JSONPosition {
        mutating get {
            if columnIndex < lineStart || columnIndex > index {
                columnIndex = lineStart
                columnValue = 1
            }
            // Columns count characters (UTF-8 lead bytes), not bytes.
            while columnIndex < index {
                if bytes[columnIndex] & 0xC0 != 0x80 { columnValue += 1 }
                columnIndex += 1
            }
            return JSONPosition(line: line, column: columnValue)
        }
    }

    private mutating func fail(_ message: String, at position: JSONPosition? = nil) -> JSONSyntaxError {
        JSONSyntaxError(position: position ?? self.position, message: message)
    }

    private var found: String {
        guard index < bytes.count else { return "end of file" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        return quoted(text)
    }

    // MARK: - Grammar

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
        skipWhitespace()
        let node = try parseValue()
        skipWhitespace()
        if index < bytes.count { throw fail("unexpected \(found) after the JSON value; expected end of file") }
        return node
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0D: index += 1
            case 0x0A:
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        let offset = index
        guard index < bytes.count else { throw fail("unexpected end of file; expected a JSON value") }
        let value: JSONValue
        switch bytes[index] {
        case UInt8(ascii: "{"): value = try parseObject()
        case UInt8(ascii: "["): value = try parseArray()
        case UInt8(ascii: "\""): value = .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); value = .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); value = .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); value = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try parseNumber()
        default:
            throw fail("unexpected \(found); expected a JSON value (object, array, string, number, true, false or null)")
        }
        return JSONNode(value: value, position: start, span: offset..<index)
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let w = Array(word.utf8)
        if index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w {
            index += w.count
            return
        }
        throw fail("unexpected \(found); expected \(word)")
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > 512 { throw fail("JSON nested deeper than 512 levels") }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, keyPosition: JSONPosition, value: JSONNode)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            let keyPosition = position
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail("unexpected \(found); expected a member name in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw fail("unexpected \(found); expected ':' after member name \(quoted(key))")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append((key, keyPosition, value))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file; expected ',' or '}'") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("unexpected \(found); expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var items: [JSONNode] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file; expected ',' or ']'") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            throw fail("unexpected \(found); expected ',' or ']'")
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        // Fast path: no escapes and no control characters, so the text is the bytes between the quotes.
        var end = index + 1
        while end < bytes.count {
            let b = bytes[end]
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b < 0x20 { break }
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\""),
           let text = String(validating: bytes[(index + 1)..<end], as: UTF8.self) {
            index = end + 1
            return text
        }
        let start = position
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("unterminated string; expected a closing '\"'", at: start) }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") { index += 1; break }
            if b < 0x20 {
                throw fail(b == 0x0A ? "line break inside a string; expected \\n or a closing '\"'" : "control character U+\(hex4(UInt32(b))) inside a string; expected it escaped")
            }
            if b == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { throw fail("unterminated string; expected a closing '\"'", at: start) }
                let e = bytes[index]
                index += 1
                if let simple = jsonSimpleEscape(e) {
                    out.append(simple)
                    continue
                }
                switch e {
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw fail("lone surrogate \\u\(hex4(scalar)) in string; expected a surrogate pair")
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate \\u\(hex4(scalar)) in string; expected a surrogate pair")
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default:
                    index -= 2
                    throw fail("invalid escape \\\(String(decoding: [e], as: UTF8.self)) in string; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
                }
                continue
            }
            out.append(b)
            index += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw fail("string is not valid UTF-8", at: start)
        }
        return text
    }

    private func hex4(_ value: UInt32) -> String {
        let s = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("incomplete \\u escape; expected four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("unexpected \(found) in \\u escape; expected a hex digit")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("unexpected \(found) in number; expected a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail("leading zero in number; expected no leading zeros") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("unexpected \(found) after decimal point; expected a digit") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("unexpected \(found) in exponent; expected a digit") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        return .number(Double(text) ?? .nan, text: text)
    }
}
