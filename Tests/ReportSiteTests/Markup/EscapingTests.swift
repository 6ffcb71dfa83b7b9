import Mustache
import Testing
@testable import ReportSite

@Suite("escaping: data never becomes markup")
struct EscapingTests {
    static let hostile = [
        "*Sale* <script>alert(1)</script>", "_under_ [link](javascript:alert(1)) ![img](x.png)", "`code` | pipe | table",
        "# Heading", "1. list", "- item", "> quote", "<img src=x onerror=alert(1)>", "a & b &amp; &#42;", "line\nbreak\n\n# h",
        "    indented code", "\"quotes\" 'apos'", "{{mustache}}", "***", "<!-- comment -->", "---", "==", "\\*escaped\\*",
        "<https://autolink.example>", "[ref]: https://x.example", "~~strike~~", "<div>\n\nblock</div>", "&", "\u{0}nul",
    ]

    @Test("HTML escaping covers all five characters")
    func html() {
        #expect(HTML.escape("<a href=\"x\" title='y'>&</a>") == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;")
        #expect(HTML.escape("plain") == "plain")
    }

    @Test("a hostile value in a Markdown paragraph renders as its literal text", arguments: hostile)
    func paragraph(value: String) {
        let html = CommonMark.html(fromMarkdown: "Name: " + MarkdownEscaping.escape(value) + "\n")
        let expected = "<p>Name: " + HTML.escape(Self.folded(value)).replacingOccurrences(of: "&#39;", with: "'") + "</p>\n"
        #expect(Self.normalizeQuotes(html) == Self.normalizeQuotes(expected), "\(value)")
    }

    @Test("a hostile value in a heading renders as its literal text", arguments: hostile)
    func heading(value: String) {
        let html = CommonMark.html(fromMarkdown: "# " + MarkdownEscaping.escape(value) + "\n")
        let expected = "<h1>" + HTML.escape(Self.folded(value)) + "</h1>\n"
        // cmark trims a heading's surrounding spaces; compare without spaces.
        #expect(Self.normalizeQuotes(html).replacingOccurrences(of: " ", with: "") == Self.normalizeQuotes(expected).replacingOccurrences(of: " ", with: ""), "\(value)")
    }

    @Test("a hostile value inside a raw HTML block stays text", arguments: hostile)
    func htmlBlock(value: String) {
        let html = CommonMark.html(fromMarkdown: "<div class=\"x\">\n<p>" + MarkdownEscaping.escape(value) + "</p>\n</div>\n")
        // No tag from the value survives: every < in the output belongs to our own markup.
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<!--"))
        #expect(html.components(separatedBy: "<").count == 5, "\(html)")
    }

    @Test("only http(s) and mailto URLs become links", arguments: [
        ("https://x.example/a?b=1&c=2", "<a href=\"https://x.example/a?b=1&amp;c=2\">https://x.example/a?b=1&amp;c=2</a>"),
        ("HTTP://X.EXAMPLE", "<a href=\"HTTP://X.EXAMPLE\">HTTP://X.EXAMPLE</a>"),
        ("mailto:a@x.example", "<a href=\"mailto:a@x.example\">mailto:a@x.example</a>"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        (" javascript:alert(1)", " javascript:alert(1)"),
        ("data:text/html,<script>", "data:text/html,&lt;script&gt;"),
        ("vbscript:x", "vbscript:x"),
        ("//evil.example", "//evil.example"),
        ("https://x.example/\"onmouseover=\"alert(1)", "<a href=\"https://x.example/&quot;onmouseover=&quot;alert(1)\">https://x.example/&quot;onmouseover=&quot;alert(1)</a>"),
        ("https://x.example/a b", "https://x.example/a b"),
    ])
    func links(url: String, expected: String) {
        #expect(HTML.link(url).html == expected)
    }

    /// What a value looks like once line breaks fold to spaces and cmark collapses nothing else.
    static func folded(_ value: String) -> String {
        String(value.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 }).replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }

    static func normalizeQuotes(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
    }
}

import Foundation

@Suite("Markdown escaping: byte-level escaper against a plain reference")
struct MarkdownEscapingReferenceTests {
    static let samples: [String] = EscapingTests.hostile + [
        "", " ", "  lead", "12. twelve", "3) three", "12 apples", "1.5%", "62,030", "99", "#1", "-5", "+", "==x", "a|b",
        "über *fett*", "tab\there", "cr\r\nlf", "\u{1}\u{7}ctl", "end\\", "…‘quotes’ — dash", "9\n. x", " 1. x",
    ]

    @Test("the escaper gives the reference's text", arguments: samples)
    func matchesReference(text: String) {
        var bytes: [UInt8] = []
        var copy = text
        copy.withUTF8 { MarkdownEscaping.escape($0, into: &bytes) }
        let expected = Array(Self.referenceBytes(text))
        #expect(bytes == expected, "\(text)")
        #expect(Array(MarkdownEscaping.escape(text).utf8) == expected, "\(text)")
    }

    @Test("A value kept apart from the Markdown: HTML-escaped and folded, wherever the byte falls in the word-at-a-time scan")
    func foldingAtEveryPosition() {
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            bytes.flatMap { b -> [UInt8] in
                switch b {
                case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: [0x20]
                case 0..<0x20: [0xEF, 0xBF, 0xBD]
                case UInt8(ascii: "&"): Array("&amp;".utf8)
                case UInt8(ascii: "<"): Array("&lt;".utf8)
                case UInt8(ascii: ">"): Array("&gt;".utf8)
                case UInt8(ascii: "\""): Array("&quot;".utf8)
                case UInt8(ascii: "'"): Array("&#39;".utf8)
                default: [b]
                }
            }
        }
        for length in 1..<20 {
            for position in 0..<length {
                for special: UInt8 in [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x22, 0x26, 0x27, 0x3C, 0x3E, 0x20, 0x7F, 0xC3] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: length)
                    bytes[position] = special
                    var output = ByteBuffer()
                    bytes.withUnsafeBufferPointer { HTML.escapeFolding($0, into: &output) }
                    #expect(output.withBytes { Array($0) } == reference(bytes), "\(bytes)")
                }
            }
        }
    }

    /// The rules of `MarkdownEscaping`, byte by byte with no fast paths (multi-byte characters pass through whole).
    static func referenceBytes(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var atStart = true
        var leadingDigits = 0
        for var b in text.utf8 {
            if [0x0A, 0x0D, 0x09, 0x0B, 0x0C].contains(b) { b = 0x20 }
            let always = "&<>\"'\\`*_[]!".utf8.contains(b) || b < 0x20
            let atStartOnly = "#-+=~|".utf8.contains(b)
            if atStart {
                if b == 0x20 { out += Array("&#32;".utf8); continue }
                if b >= 0x30 && b <= 0x39 { out.append(b); leadingDigits += 1; continue }
                atStart = false
                if leadingDigits > 0 ? (b == 0x2E || b == 0x29) : atStartOnly { out += Array("&#\(b);".utf8); continue }
            }
            if always { out += Array("&#\(b);".utf8) } else { out.append(b) }
        }
        return out
    }
}
