/// A small, forgiving scanner over HTML that Funnelmark wrote: it finds the
/// start and end tags and their attributes, skips comments, and treats the
/// contents of `<script>` and `<style>` as raw text. It is not a full HTML
/// parser; it is enough to find every reference a page makes (`href`, `src`)
/// and to rewrite links in a single-file report.
public enum HTMLScanner {
    /// One tag as written, with its position in the scanned text.
    public struct Tag: Sendable, Equatable {
        /// Lower-case element name, without the slash of an end tag.
        public var name: String
        public var isEndTag: Bool
        /// Attributes in source order, names lower-cased, values with entities decoded.
        public var attributes: [(name: String, value: String)]
        /// Where the tag is in the scanned text, `<` to `>` inclusive, as UTF-8 offsets.
        public var range: Range<Int>
        /// For `<script>` and `<style>` start tags: the raw text up to the end tag.
        public var rawText: String?

        public func attribute(_ name: String) -> String? {
            attributes.first { $0.name == name }?.value
        }

        public static func == (a: Tag, b: Tag) -> Bool {
            a.name == b.name && a.isEndTag == b.isEndTag && a.range == b.range && a.rawText == b.rawText
                && a.attributes.map(\.name) == b.attributes.map(\.name) && a.attributes.map(\.value) == b.attributes.map(\.value)
        }
    }

    /// A URL-valued attribute on a tag: `<a href>`, `<img src>`, `<link href>`…
    public struct Reference: Sendable, Equatable {
        public var tag: String
        public var attribute: String
        public var value: String
    }

    /// Attributes whose value is a URL the browser may load or follow.
    static let urlAttributes: Set<String> = ["href", "src", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href", "cite"]

    /// Every tag in `html`, in order.
    public static func tags(in html: String) -> [Tag] {
        let bytes = Array(html.utf8)
        var tags: [Tag] = []
        var i = 0
        let n = bytes.count
        while i < n {
            guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
            // Comments, doctype and CDATA: skip.
            if starts(bytes, at: i, with: "<!--") {
                i = find(bytes, "-->", from: i + 4).map { $0 + 3 } ?? n
                continue
            }
            if i + 1 < n, bytes[i + 1] == UInt8(ascii: "!") || bytes[i + 1] == UInt8(ascii: "?") {
                i = find(bytes, ">", from: i + 1).map { $0 + 1 } ?? n
                continue
            }
            var j = i + 1
            let isEnd = j < n && bytes[j] == UInt8(ascii: "/")
            if isEnd { j += 1 }
            let nameStart = j
            while j < n, isNameByte(bytes[j]) { j += 1 }
            guard j > nameStart, isLetter(bytes[nameStart]) else { i += 1; continue }
            let name = String(decoding: bytes[nameStart..<j], as: UTF8.self).lowercased()
            var attributes: [(name: String, value: String)] = []
            // Attributes up to the closing `>`.
            while j < n {
                while j < n, isSpace(bytes[j]) || bytes[j] == UInt8(ascii: "/") { j += 1 }
                guard j < n, bytes[j] != UInt8(ascii: ">") else { break }
                let attrStart = j
                while j < n, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">"), bytes[j] != UInt8(ascii: "="),
                      !(bytes[j] == UInt8(ascii: "/") && j + 1 < n && bytes[j + 1] == UInt8(ascii: ">")) { j += 1 }
                let attrName = String(decoding: bytes[attrStart..<j], as: UTF8.self).lowercased()
                while j < n, isSpace(bytes[j]) { j += 1 }
                var value = ""
                if j < n, bytes[j] == UInt8(ascii: "=") {
                    j += 1
                    while j < n, isSpace(bytes[j]) { j += 1 }
                    if j < n, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") {
                        let quote = bytes[j]
                        let valueStart = j + 1
                        j = valueStart
                        while j < n, bytes[j] != quote { j += 1 }
                        value = String(decoding: bytes[valueStart..<min(j, n)], as: UTF8.self)
                        j += 1
                    } else {
                        let valueStart = j
                        while j < n, !isSpace(bytes[j]), bytes[j] != UInt8(ascii: ">") { j += 1 }
                        value = String(decoding: bytes[valueStart..<j], as: UTF8.self)
                    }
                }
                if !attrName.isEmpty { attributes.append((attrName, decodeEntities(value))) }
            }
            let end = min(j + 1, n)
            var tag = Tag(name: name, isEndTag: isEnd, attributes: attributes, range: i..<end, rawText: nil)
            i = end
            if !isEnd, name == "script" || name == "style" {
                let close = findCaseInsensitive(bytes, "</" + name, from: i) ?? n
                tag.rawText = String(decoding: bytes[i..<close], as: UTF8.self)
                tags.append(tag)
                i = close
                continue
            }
            tags.append(tag)
        }
        return tags
    }

    /// Every URL-valued attribute in `html` (`srcset` split into its URLs).
    public static func references(in html: String) -> [Reference] {
        var out: [Reference] = []
        for tag in tags(in: html) where !tag.isEndTag {
            for (name, value) in tag.attributes where urlAttributes.contains(name) {
                if name == "srcset" {
                    for candidate in value.split(separator: ",") {
                        if let url = candidate.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first {
                            out.append(Reference(tag: tag.name, attribute: name, value: String(url)))
                        }
                    }
                } else {
                    out.append(Reference(tag: tag.name, attribute: name, value: value))
                }
            }
        }
        return out
    }

    /// What a reference points at, from a page's point of view.
    public enum Target: Sendable, Equatable {
        /// `#id` on the same page.
        case fragment
        /// A file beside or below the page: "../assets/style.css", "index.html".
        case relative
        /// An absolute path on the same host: "/assets/style.css" (breaks under a sub-path).
        case rootRelative
        /// With a scheme: "https:", "mailto:", "data:"; or protocol-relative "//host".
        case external(scheme: String)
    }

    public static func classify(_ url: String) -> Target {
        let u = url.trimmingASCIIWhitespace()
        if u.hasPrefix("#") { return .fragment }
        if u.hasPrefix("//") { return .external(scheme: "") }
        if u.hasPrefix("/") || u.hasPrefix("\\") { return .rootRelative }
        // A scheme is letters, digits, + - . before the first ':' (and before any / ? #).
        var scheme = ""
        for ch in u.unicodeScalars {
            if ch == ":" { return scheme.isEmpty ? .relative : .external(scheme: scheme.lowercased()) }
            let ok = ("a"..."z").contains(ch) || ("A"..."Z").contains(ch) || (!scheme.isEmpty && (("0"..."9").contains(ch) || "+-.".unicodeScalars.contains(ch)))
            if !ok { break }
            scheme.unicodeScalars.append(ch)
        }
        return .relative
    }

    // MARK: - Entities

    /// Decodes the named entities Funnelmark writes and every numeric reference.
    public static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let entity = String(after[..<semi])
                var decoded: String?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    decoded = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if entity.hasPrefix("#") {
                    decoded = UInt32(entity.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    decoded = named[entity]
                }
                if let decoded {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        out += rest
        return out
    }

    // MARK: - Bytes

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D }
    static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    static func isNameByte(_ b: UInt8) -> Bool {
        isLetter(b) || (0x30...0x39).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ":") || b == UInt8(ascii: "_")
    }

    static func starts(_ bytes: [UInt8], at i: Int, with text: String) -> Bool {
        let t = Array(text.utf8)
        guard i + t.count <= bytes.count else { return false }
        for k in t.indices where bytes[i + k] != t[k] { return false }
        return true
    }

    static func find(_ bytes: [UInt8], _ text: String, from start: Int) -> Int? {
        let t = Array(text.utf8)
        guard !t.isEmpty, bytes.count >= t.count else { return nil }
        var i = start
        while i + t.count <= bytes.count {
            if bytes[i] == t[0], starts(bytes, at: i, with: text) { return i }
            i += 1
        }
        return nil
    }

    static func findCaseInsensitive(_ bytes: [UInt8], _ text: String, from start: Int) -> Int? {
        let t = Array(text.lowercased().utf8)
        guard !t.isEmpty else { return nil }
        var i = start
        while i + t.count <= bytes.count {
            var match = true
            for k in t.indices {
                var b = bytes[i + k]
                if (0x41...0x5A).contains(b) { b += 0x20 }
                if b != t[k] { match = false; break }
            }
            if match { return i }
            i += 1
        }
        return nil
    }
}
