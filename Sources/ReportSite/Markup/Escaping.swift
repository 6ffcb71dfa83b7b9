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
    public static func escape(_ text: String) -> String {
        var needs = false
        for b in text.utf8 where b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 {
            needs = true
            break
        }
        if !needs { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Data as escaped, trusted HTML text.
    public static func text(_ text: String) -> TrustedHTML { TrustedHTML(unchecked: escape(text)) }

    /// The URL if it may become a live link: http, https or mailto only.
    public static func linkableURL(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: " \t\n\r")
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") else { return nil }
        // No control characters or spaces inside a link target.
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return nil }
        return trimmed
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
/// Every ASCII punctuation character that Markdown or HTML could act on is
/// written as a numeric character reference (`*` → `&#42;`). CommonMark
/// treats such references as literal text in paragraphs and headings, and a
/// browser shows them as the character inside raw HTML blocks, so the same
/// escaping is right in both places a template may put a value. Line breaks
/// fold to spaces so a value can never start a new block.
public enum MarkdownEscaping {
    /// Bytes written as references; everything else passes unchanged.
    private static let active: Set<UInt8> = Set("!\"#$%&'()*+-.:;<=>[\\]^_`{|}~".utf8)

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(text.utf8.count + 16)
        var atStart = true
        for b in text.utf8 {
            switch b {
            case 0x0A, 0x0D, 0x09, 0x0B, 0x0C:
                scratch.append(0x20)
            case 0x20 where atStart:
                // Leading spaces could make an indented code block.
                scratch.append(contentsOf: Array("&#32;".utf8))
                continue
            case _ where active.contains(b):
                scratch.append(contentsOf: Array("&#\(b);".utf8))
            default:
                scratch.append(b)
            }
            atStart = false
        }
        out = String(decoding: scratch, as: UTF8.self)
        return out
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = self[...]
        while let f = s.first, chars.contains(f) { s.removeFirst() }
        while let l = s.last, chars.contains(l) { s.removeLast() }
        return String(s)
    }
}
