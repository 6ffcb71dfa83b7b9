import Bytes
import Mustache

/// A piece of HTML that Funnelmark made itself (cmark output, a chart, a
/// component) and may therefore reach the page unescaped. Data never
/// becomes `TrustedHTML` except through `HTML.text(_:)`, which escapes it.
public struct TrustedHTML: Sendable, Equatable, CustomStringConvertible {
    public let html: String

    /// Only this module makes trusted HTML from raw strings.
    init(unchecked html: String) { self.html = html }

    public var description: String { html }

    public static let empty = TrustedHTML(unchecked: "")
    public static func + (lhs: TrustedHTML, rhs: TrustedHTML) -> TrustedHTML {
        TrustedHTML(unchecked: lhs.html + rhs.html)
    }
}

/// Escaping for the contexts data lands in.
public enum HTML {
    /// Escapes all five HTML-special characters `& < > " '`, for text,
    /// attribute values and SVG text alike.
    public static func escape(_ text: String) -> String { RenderOptions.escapeHTML(text) }

    /// `escape` onto the end of `output`, for the template engine.
    public static func escape<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout Output) {
        RenderOptions.escapeHTML(bytes, into: &output)
    }

    /// A value's text as it lands in a page compiled from Markdown: HTML-escaped, with line
    /// breaks and tabs folded to spaces (as `MarkdownEscaping` folds them) and other control
    /// characters shown as U+FFFD, the replacement character.
    @Sendable public static func escapeFolding(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout ByteBuffer) {
        // Most values have nothing to change: copied whole once a quick scan says so.
        guard let firstChange = foldingScanStart(bytes) else {
            output.append(bytes)
            return
        }
        // Every byte it changes is below 0x40: one bit of `changed` each.
        let changed: UInt64 = 0xFFFF_FFFF | 1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E
        var runStart = 0
        var i = firstChange
        while i < bytes.count {
            // Most text has nothing to change: skip it eight bytes at a time.
            if i + 8 <= bytes.count {
                let word = RenderOptions.word(bytes, at: i)
                if RenderOptions.hasByteBelow(word, 0x20) == 0 && !RenderOptions.wordHasHTMLSpecial(word) {
                    i += 8
                    continue
                }
            }
            let b = bytes[i]
            guard b < 0x40, changed >> UInt64(b) & 1 != 0 else {
                i += 1
                continue
            }
            if runStart < i { output.append(UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            switch b {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: output.append(0x20)
            case 0..<0x20: output.append(contentsOf: [0xEF, 0xBF, 0xBD] as [UInt8])
            default: RenderOptions.appendEntity(for: b, to: &output)
            }
            i += 1
            runStart = i
        }
        if runStart == 0 {
            output.append(bytes)
        } else if runStart < bytes.count {
            output.append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
    }

    /// Where `escapeFolding` must start looking byte by byte: a position at or before the first
    /// byte it changes (none before it changes), or nil when it changes none.
    ///
    /// A page has hundreds of values of a few dozen bytes each: they are tested eight bytes at a
    /// time to their very end (the last eight overlapping the ones before, a value shorter than
    /// eight padded with a letter), in a loop that does nothing else, where testing the last
    /// bytes one by one took a third of the time.
    @inline(__always)
    static func foldingScanStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        @inline(__always) func changes(_ word: UInt64) -> Bool {
            RenderOptions.hasByteBelow(word, 0x20) != 0 || RenderOptions.wordHasHTMLSpecial(word)
        }
        let count = bytes.count
        guard count >= 8 else {
            var word: UInt64 = 0x6161_6161_6161_6161  // "aaaaaaaa": nothing to change
            withUnsafeMutableBytes(of: &word) {
                copyBytes(from: base, to: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
            }
            return changes(word) ? 0 : nil
        }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i &+ 8 <= count {
            if changes(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return i }
            i &+= 8
        }
        guard i < count else { return nil }
        return changes(raw.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)) ? count &- 8 : nil
    }

    /// Data as escaped, trusted HTML text.
    public static func text(_ text: String) -> TrustedHTML { TrustedHTML(unchecked: escape(text)) }

    /// The URL if it may become a live link: http, https or mailto only.
    public static func linkableURL(_ url: String) -> String? {
        // Worked out on the URL's bytes in place (every link of every page is tested): the
        // URL without leading and trailing ASCII whitespace, as `trimmingASCIIWhitespace`
        // trims it, if that is a link target.
        var url = url
        let target: Range<Int>? = url.withUTF8 { bytes in
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
            var start = 0, end = bytes.count
            while start < end && isSpace(bytes[start]) { start += 1 }
            while end > start && isSpace(bytes[end - 1]) { end -= 1 }
            let trimmed = bytes[start..<end]
            guard hasPrefixIgnoringASCIICase(trimmed, "http://") || hasPrefixIgnoringASCIICase(trimmed, "https://")
                || hasPrefixIgnoringASCIICase(trimmed, "mailto:") else { return nil }
            // No control characters or spaces inside a link target.
            guard !trimmed.contains(where: { $0 < 0x21 || $0 == 0x7F }) else { return nil }
            return start..<end
        }
        guard let target else { return nil }
        if target.count == url.utf8.count { return url }
        // ASCII whitespace was cut at either end, so the rest is whole characters.
        return url.withUTF8 { String(decoding: UnsafeBufferPointer(rebasing: $0[target]), as: UTF8.self) }
    }

    /// Whether `bytes` start with the lowercase ASCII `prefix`, in any case.
    static func hasPrefixIgnoringASCIICase(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let p = prefix.utf8Start
        var i = bytes.startIndex
        for k in 0..<count {
            let b = bytes[i]
            if (b >= 0x41 && b <= 0x5A ? b | 0x20 : b) != p[k] { return false }
            i += 1
        }
        return true
    }

    /// A link to `url` showing `label` when the scheme is http(s)/mailto; otherwise the escaped text alone.
    public static func link(_ url: String, label: String? = nil, attributes: String = "") -> TrustedHTML {
        TrustedHTML(unchecked: String(decoding: linkBytes(url, label: label, attributes: attributes), as: UTF8.self))
    }

    /// `link` as UTF-8 bytes.
    static func linkBytes(_ url: String, label: String? = nil, attributes: String = "") -> [UInt8] {
        var html = HTMLBuilder(capacity: url.utf8.count * 2 + 32)
        guard let target = linkableURL(url) else {
            html.text(label ?? url)
            return html.bytes
        }
        html.markup("<a href=\"")
        html.text(target)
        html.markup("\"")
        html.plain(attributes)
        html.markup(">")
        html.text(label ?? url)
        html.markup("</a>")
        return html.bytes
    }
}

/// Escaping for values interpolated into the Markdown templates.
///
/// Characters that Markdown or HTML could act on are written as numeric
/// character references (`*` → `&#42;`). CommonMark treats such references
/// as literal text in paragraphs and headings, and a browser shows them as
/// the character inside raw HTML blocks, so the same escaping is right in
/// both places a template may put a value. Line breaks fold to spaces so a
/// value can never start a new block.
///
/// Everywhere: `& < > " ' \ ` * _ [ ] !` (inline syntax and HTML).
/// At the value's start, where a block could begin: also `# - + = ~ |`,
/// a run of digits followed by `.` or `)` (an ordered list), and spaces
/// (an indented code block).
public enum MarkdownEscaping {
    /// 1 = always escaped, 2 = escaped at the start of the value.
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in "&<>\"'\\`*_[]!".utf8 { t[Int(b)] = 1 }
        for b in "#-+=~|".utf8 { t[Int(b)] = 2 }
        return t
    }()

    public static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String? in
            // Fast path: nothing to change, so the value itself is returned (no copy).
            guard needsEscaping(bytes) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 24)
            escapeSlow(bytes, into: &out)
            return String(decoding: out, as: UTF8.self)
        } ?? text
    }

    /// `escape` onto the end of `output`, for the template engine.
    public static func escape<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout Output) {
        if needsEscaping(bytes) { escapeSlow(bytes, into: &output) } else { output.append(bytes) }
    }

    private static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let table = self.table
        for i in 0..<bytes.count {
            let b = bytes[i]
            let kind = table[Int(b)]
            if kind == 1 || b < 0x20 || (i == 0 && (kind == 2 || b == 0x20 || (b >= 0x30 && b <= 0x39))) {
                return true
            }
        }
        return false
    }

    private static func appendReference<Output: ByteOutput & ~Copyable>(_ b: UInt8, to out: inout Output) {
        out.append(0x26) // &
        out.append(0x23) // #
        if b >= 100 { out.append(0x30 + b / 100) }
        if b >= 10 { out.append(0x30 + (b / 10) % 10) }
        out.append(0x30 + b % 10)
        out.append(0x3B) // ;
    }

    /// 1 for the bytes escaped anywhere in a value: the table's "always" bytes and controls.
    private static let special: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in 0..<256 where table[b] == 1 || b < 0x20 { t[b] = 1 }
        return t
    }()

    private static func isFoldedToSpace(_ b: UInt8) -> Bool {
        b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0B || b == 0x0C
    }

    private static func escapeSlow<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        let table = self.table
        // The value's start, where a block could begin: spaces, a list number's digits and what follows them.
        var position = 0
        var leadingDigits = 0
        while position < bytes.count {
            var byte = bytes[position]
            if isFoldedToSpace(byte) { byte = 0x20 }
            if byte == 0x20 {
                appendReference(byte, to: &out)
                position += 1
                continue
            }
            if byte >= 0x30 && byte <= 0x39 {
                // Digits may be an ordered list marker ("1." or "1)"): look at what follows.
                out.append(byte)
                leadingDigits += 1
                position += 1
                continue
            }
            if leadingDigits > 0 ? (byte == 0x2E || byte == 0x29) : table[Int(byte)] == 2 {
                appendReference(byte, to: &out)
                position += 1
            }
            break
        }
        // The rest: runs of plain bytes copied whole.
        special.withUnsafeBufferPointer { special in
            var runStart = position
            while position < bytes.count {
                let byte = bytes[position]
                if special[Int(byte)] == 0 {
                    position += 1
                    continue
                }
                if runStart < position { out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<position])) }
                if isFoldedToSpace(byte) { out.append(0x20) } else { appendReference(byte, to: &out) }
                position += 1
                runStart = position
            }
            if runStart < position { out.append(UnsafeBufferPointer(rebasing: bytes[runStart..<position])) }
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, line feeds and carriage returns.
    func trimmingASCIIWhitespace() -> String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        if first == bytes.startIndex && bytes.index(after: last) == bytes.endIndex { return self }
        return String(self[first...last])
    }
}
