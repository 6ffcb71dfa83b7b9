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

    /// Data as escaped, trusted HTML text.
    public static func text(_ text: String) -> TrustedHTML { TrustedHTML(unchecked: escape(text)) }

    /// The URL if it may become a live link: http, https or mailto only.
    public static func linkableURL(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: " \t\n\r")
        var allowed = false
        for scheme in ["http://", "https://", "mailto:"] where hasPrefixIgnoringASCIICase(trimmed, scheme) {
            allowed = true
            break
        }
        guard allowed else { return nil }
        // No control characters or spaces inside a link target.
        guard !trimmed.utf8.contains(where: { $0 < 0x21 || $0 == 0x7F }) else { return nil }
        return trimmed
    }

    /// Whether `text` starts with the lowercase ASCII `prefix`, in any case.
    static func hasPrefixIgnoringASCIICase(_ text: String, _ prefix: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        for p in prefix.utf8 {
            guard let b = bytes.next() else { return false }
            let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
            if lower != p { return false }
        }
        return true
    }

    /// A link to `url` showing `label` when the scheme is http(s)/mailto; otherwise the escaped text alone.
    public static func link(_ url: String, label: String? = nil, attributes: String = "") -> TrustedHTML {
        let shown = escape(label ?? url)
        guard let target = linkableURL(url) else { return TrustedHTML(unchecked: shown) }
        return TrustedHTML(unchecked: "<a href=\"\(escape(target))\"\(attributes)>\(shown)</a>")
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
        let escaped: String? = text.withUTF8 { bytes -> String? in
            // Fast path: nothing to change, so the value itself is returned (no copy).
            for i in 0..<bytes.count {
                let b = bytes[i]
                let kind = table[Int(b)]
                if kind == 1 || b < 0x20 || (i == 0 && (kind == 2 || b == 0x20 || (b >= 0x30 && b <= 0x39))) {
                    return escapeSlow(bytes)
                }
            }
            return nil
        }
        return escaped ?? text
    }

    private static func appendReference(_ b: UInt8, to out: inout [UInt8]) {
        out.append(0x26) // &
        out.append(0x23) // #
        if b >= 100 { out.append(0x30 + b / 100) }
        if b >= 10 { out.append(0x30 + (b / 10) % 10) }
        out.append(0x30 + b % 10)
        out.append(0x3B) // ;
    }

    private static func escapeSlow(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 24)
        var atStart = true
        var leadingDigits = 0
        for b in bytes {
            var byte = b
            if byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0B || byte == 0x0C { byte = 0x20 }
            if atStart {
                if byte == 0x20 {
                    appendReference(byte, to: &out)
                    continue
                }
                if byte >= 0x30 && byte <= 0x39 {
                    // Digits may be an ordered list marker ("1." or "1)"): look at what follows.
                    out.append(byte)
                    leadingDigits += 1
                    continue
                }
                atStart = false
                if leadingDigits > 0 {
                    if byte == 0x2E || byte == 0x29 { appendReference(byte, to: &out); continue }
                } else if table[Int(byte)] == 2 {
                    appendReference(byte, to: &out)
                    continue
                }
            }
            if table[Int(byte)] == 1 || byte < 0x20 {
                appendReference(byte, to: &out)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// The string without leading and trailing ASCII characters of `set`.
    func trimmingCharacters(in set: String) -> String {
        let strip = Set(set.utf8)
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !strip.contains($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !strip.contains($0) })!
        if first == bytes.startIndex && bytes.index(after: last) == bytes.endIndex { return self }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
