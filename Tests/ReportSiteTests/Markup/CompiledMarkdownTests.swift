import Mustache
import Testing
@testable import ReportSite

@Suite("compiled Markdown: cmark once per page structure, values filled in")
struct CompiledMarkdownTests {
    static let separated = RenderOptions(escapeBytes: HTML.escapeFolding, escapeUnescapedBytes: HTML.escapeFolding)
    static let markdown = RenderOptions(escapeBytes: MarkdownEscaping.escape, escapeUnescapedBytes: MarkdownEscaping.escape)

    /// The page through the compiled path, or nil when the structure cannot be compiled.
    static func compiled(_ source: String, _ context: MustacheValue) throws -> String? {
        let template = try Template(source: source, name: "t")
        var markdown: [UInt8] = []
        var values = SeparatedValues()
        try template.render(context, options: separated, into: &markdown, separating: &values)
        guard let page = CompiledMarkdown(markdown: markdown, valueCount: values.count) else { return nil }
        var html: [UInt8] = []
        page.fill(values, into: &html)
        return String(decoding: html, as: UTF8.self)
    }

    /// The page with its values escaped into the Markdown and all of it through cmark.
    static func plain(_ source: String, _ context: MustacheValue) throws -> String {
        let template = try Template(source: source, name: "t")
        var markdown: [UInt8] = []
        try template.render(context, options: Self.markdown, into: &markdown)
        return String(decoding: CommonMark.html(fromMarkdown: markdown), as: UTF8.self)
    }

    static let templates = [
        "# {{title}}\n\nA paragraph with {{a}} and *{{b}}* and **{{a}}**.\n",
        "<div class=\"x\">\n<p>{{a}} · {{b}}</p>\n<ul>\n{{#list}}\n<li>{{.}}</li>\n{{/list}}\n</ul>\n</div>\n\nAfter: {{b}}\n",
        "- {{a}}\n- {{b}}\n\n1. {{title}}\n2. `{{a}}`\n\n> quote {{b}}\n",
        "Setext {{a}}\n---\n\n    indented {{b}}\n\n<section>\n\n## {{title}}\n\n</section>\n",
        "{{#list}}\n* item {{.}}\n{{/list}}\n\n{{^empty}}none{{/empty}} {{empty}}|\n",
    ]

    static let context: MustacheValue = [
        "title": "Winter sale 2026", "a": "Offer 42", "b": "plain words", "list": ["one", "two", "three"], "empty": "",
    ]

    @Test("with plain values, the compiled page is byte for byte the page cmark makes of the whole", arguments: templates)
    func plainValuesAgree(source: String) throws {
        let fast = try Self.compiled(source, Self.context)
        #expect(fast != nil)
        #expect(fast == (try Self.plain(source, Self.context)))
    }

    @Test("a value is an inert word: whatever it holds, it lands as its literal text", arguments: [
        "*Sale* <script>alert(1)</script>", "C #", "ends with two spaces  ", "1. not a list", "# not a heading",
        "[x](javascript:alert(1))", "&amp; &#42;", "line\nbreak\tand tab", "`code`", "\u{1}ctl", "über „quotes“",
    ])
    func inertValues(value: String) throws {
        let source = "# {{v}}\n\nText {{v}} and *{{v}}*.\n\n<p class=\"x\">{{v}}</p>\n"
        let html = try #require(try Self.compiled(source, ["v": .string(value)]))
        var folded = ""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: folded += " "
            case 0..<0x20: folded += "\u{FFFD}"
            default: folded.unicodeScalars.append(scalar)
            }
        }
        let text = HTML.escape(folded)
        #expect(html == "<h1>\(text)</h1>\n<p>Text \(text) and <em>\(text)</em>.</p>\n<p class=\"x\">\(text)</p>\n")
    }

    @Test("a token cmark would not keep whole (a link destination) makes the structure uncompilable")
    func linkDestinationFallsBack() throws {
        #expect(try Self.compiled("[site]({{url}})\n", ["url": "https://x.example/?a=1"]) == nil)
        // The template's own text holding the token character is not mistaken for a value.
        #expect(try Self.compiled("odd \u{E000} text {{a}}\n", ["a": "x"]) == nil)
    }

    @Test("values that render empty leave no token, so a line they empty is blank to cmark")
    func emptyValues() throws {
        let source = "<div>\n{{a}}\n\nafter</div>\n"
        #expect(try Self.compiled(source, ["a": ""]) == (try Self.plain(source, ["a": ""])))
        #expect(try Self.compiled(source, ["a": "word"]) == (try Self.plain(source, ["a": "word"])))
    }

    @Test("pages of one structure share one compiled entry; a different structure gets its own")
    func cacheSharesStructures() throws {
        let cache = MarkdownCache()
        let template = try Template(source: "# {{t}}\n\n{{#xs}}- {{.}}\n{{/xs}}", name: "t")
        func render(_ context: MustacheValue) throws -> (CompiledMarkdown?, SeparatedValues) {
            var markdown: [UInt8] = []
            var values = SeparatedValues()
            try template.render(context, options: Self.separated, into: &markdown, separating: &values)
            return (cache.compiled(markdown, valueCount: values.count), values)
        }
        let (one, v1) = try render(["t": "A", "xs": ["p", "q"]])
        let (two, v2) = try render(["t": "Quite another title", "xs": ["r", "s"]])
        let (three, _) = try render(["t": "A", "xs": ["p"]])
        #expect(cache.count == 2)
        #expect(one?.html == two?.html)
        #expect(one?.html != three?.html)
        var a: [UInt8] = [], b: [UInt8] = []
        one?.fill(v1, into: &a)
        two?.fill(v2, into: &b)
        #expect(String(decoding: a, as: UTF8.self) == "<h1>A</h1>\n<ul>\n<li>p</li>\n<li>q</li>\n</ul>\n")
        #expect(String(decoding: b, as: UTF8.self) == "<h1>Quite another title</h1>\n<ul>\n<li>r</li>\n<li>s</li>\n</ul>\n")
    }
}
