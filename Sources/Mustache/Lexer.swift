// MARK: - Tokens

/// A run of text (never spanning a line break: each ends at `\n` or before a tag) or one tag.
struct Token {
    enum Kind: Equatable {
        case text
        case variable, unescaped
        case section, inverted, close
        case partial, parent, block
        case comment, delimiters
    }

    let kind: Kind
    /// UTF-8 range of the whole token in the source.
    let start: Int
    let end: Int
    /// For text, the text; for tags, the content after the sigil, trimmed of whitespace.
    let content: String
    /// The delimiters in effect for this tag, for messages.
    let openDelimiter: String
    let closeDelimiter: String
}

// MARK: - Lexer

/// Splits a template into tokens, applying set-delimiter tags as it goes.
struct Lexer {
    private let bytes: [UInt8]
    private let info: SourceInfo
    private var open: [UInt8] = Array("{{".utf8)
    private var close: [UInt8] = Array("}}".utf8)
    private var tokens: [Token] = []

    init(bytes: [UInt8], info: SourceInfo) {
        self.bytes = bytes
        self.info = info
    }

    mutating func tokenize() throws(TemplateError) -> [Token] {
        var position = 0
        var textStart = 0
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\n") {
                emitText(from: textStart, to: position + 1)
                position += 1
                textStart = position
            } else if byte == open[0], matches(open, at: position) {
                emitText(from: textStart, to: position)
                position = try scanTag(at: position)
                textStart = position
            } else {
                position += 1
            }
        }
        emitText(from: textStart, to: bytes.count)
        return tokens
    }

    // MARK: - Tags

    /// Scans the tag starting at `start` (at its opening delimiter); returns the offset after it.
    private mutating func scanTag(at start: Int) throws(TemplateError) -> Int {
        let afterOpen = start + open.count
        let sigil: UInt8? = afterOpen < bytes.count ? bytes[afterOpen] : nil
        var kind = Token.Kind.variable
        var terminator = close
        var contentStart = afterOpen + 1
        switch sigil {
        case UInt8(ascii: "{"): kind = .unescaped; terminator = Array("}".utf8) + close
        case UInt8(ascii: "&"): kind = .unescaped
        case UInt8(ascii: "!"): kind = .comment
        case UInt8(ascii: "="): kind = .delimiters; terminator = Array("=".utf8) + close
        case UInt8(ascii: "#"): kind = .section
        case UInt8(ascii: "^"): kind = .inverted
        case UInt8(ascii: "/"): kind = .close
        case UInt8(ascii: ">"): kind = .partial
        case UInt8(ascii: "<"): kind = .parent
        case UInt8(ascii: "$"): kind = .block
        default: contentStart = afterOpen
        }
        let expected = String(decoding: terminator, as: UTF8.self)
        guard let contentEnd = find(terminator, from: min(contentStart, bytes.count)) else {
            throw info.error(at: start, "unclosed tag '\(snippet(from: start))': expected '\(expected)' to close it")
        }
        let raw = bytes[contentStart..<contentEnd]
        if kind != .comment && kind != .delimiters {
            if raw.contains(UInt8(ascii: "\n")) {
                throw info.error(
                    at: start,
                    "unclosed tag '\(snippet(from: start))': expected '\(expected)' on the same line")
            }
            if find(open, from: contentStart, before: contentEnd) != nil {
                throw info.error(
                    at: start,
                    "unclosed tag '\(snippet(from: start))': expected '\(expected)' before the next '\(text(open))'")
            }
        }
        let end = contentEnd + terminator.count
        let content = Self.trimmed(raw)
        tokens.append(Token(
            kind: kind, start: start, end: end, content: content,
            openDelimiter: text(open), closeDelimiter: text(close)))
        if kind == .delimiters {
            try setDelimiters(content, tagStart: start, tagEnd: end)
        }
        return end
    }

    /// Applies `{{=OPEN CLOSE=}}`.
    private mutating func setDelimiters(_ content: String, tagStart: Int, tagEnd: Int) throws(TemplateError) {
        let parts = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard parts.count == 2 else {
            let tag = String(decoding: bytes[tagStart..<tagEnd], as: UTF8.self)
            throw info.error(
                at: tagStart,
                "invalid set-delimiter tag '\(tag)': expected two delimiters separated by a space, like '{{=<% %>=}}'")
        }
        open = Array(parts[0].utf8)
        close = Array(parts[1].utf8)
    }

    // MARK: - Byte helpers

    private mutating func emitText(from start: Int, to end: Int) {
        guard end > start else { return }
        tokens.append(Token(
            kind: .text, start: start, end: end,
            content: String(decoding: bytes[start..<end], as: UTF8.self),
            openDelimiter: "", closeDelimiter: ""))
    }

    private func matches(_ needle: [UInt8], at position: Int) -> Bool {
        guard position + needle.count <= bytes.count else { return false }
        for index in 0..<needle.count where bytes[position + index] != needle[index] { return false }
        return true
    }

    private func find(_ needle: [UInt8], from start: Int, before limit: Int? = nil) -> Int? {
        let last = (limit ?? bytes.count) - needle.count
        guard !needle.isEmpty, start <= last else { return nil }
        for position in start...last where bytes[position] == needle[0] && matches(needle, at: position) {
            return position
        }
        return nil
    }

    private func text(_ delimiter: [UInt8]) -> String {
        String(decoding: delimiter, as: UTF8.self)
    }

    /// The source from `start` to the end of its line, shortened, to quote a broken tag.
    private func snippet(from start: Int) -> String {
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "\r") { end += 1 }
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        return line.count > 40 ? line.prefix(40) + "…" : line
    }

    static func trimmed(_ raw: ArraySlice<UInt8>) -> String {
        var lower = raw.startIndex
        var upper = raw.endIndex
        while lower < upper, isWhitespace(raw[lower]) { lower += 1 }
        while upper > lower, isWhitespace(raw[upper - 1]) { upper -= 1 }
        return String(decoding: raw[lower..<upper], as: UTF8.self)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
