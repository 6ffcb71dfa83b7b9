import Mustache
import Testing

// MARK: - Escaping

@Suite("Escaping")
struct EscapingTests {
    @Test("The default escape covers all five HTML characters")
    func defaultEscape() {
        expectRender("{{s}}", ["s": "<a href=\"x\">Tom & Jerry's</a>"],
                     equals: "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(RenderOptions.escapeHTML("plain text") == "plain text")
    }

    @Test("Trusted text is never escaped, whatever the tag or options", arguments: [
        "{{t}}", "{{{t}}}", "{{& t}}", "{{#list}}{{.}}{{/list}}",
    ])
    func trustedIsNeverEscaped(source: String) {
        let options = RenderOptions(escape: { _ in "ESCAPED" }, escapeUnescaped: { _ in "REFUSED" })
        let markup = "<svg><text>a & b</text></svg>"
        expectRender(source, ["t": .trusted(markup), "list": [.trusted(markup)]], options: options, equals: markup)
    }

    @Test("escapeUnescaped applies to triple mustaches and ampersand tags")
    func escapeUnescaped() {
        let options = RenderOptions(escapeUnescaped: { "[" + RenderOptions.escapeHTML($0) + "]" })
        expectRender("{{{raw}}} {{&raw}} {{raw}}", ["raw": "<b>"], options: options,
                     equals: "[&lt;b&gt;] [&lt;b&gt;] &lt;b&gt;")
    }

    @Test("By default triple mustaches insert text verbatim")
    func verbatimByDefault() {
        expectRender("{{{raw}}}", ["raw": "<b>&</b>"], equals: "<b>&</b>")
    }

    @Test("A custom escape function is used for every escaped value")
    func customEscape() {
        let markdown = RenderOptions(escape: { text in
            var escaped = ""
            for character in text {
                if "*_[]<>".contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped
        })
        expectRender("Subject: {{subject}} ({{count}})", ["subject": "*Sale* <now>", "count": 3],
                     options: markdown, equals: "Subject: \\*Sale\\* \\<now\\> (3)")
    }
}

// MARK: - Values

@Suite("Values")
struct ValueTests {
    static let interpolations: [(MustacheValue, String)] = [
        (.int(85), "85"),
        (.int(-3), "-3"),
        (.double(1.21), "1.21"),
        (.double(3.0), "3"),
        (.double(-0.5), "-0.5"),
        (.double(0.1 + 0.2), "0.30000000000000004"),
        (.double(1e20), "1e+20"),
        (.bool(true), "true"),
        (.null, ""),
        (["a", 1, 2.5], "a,1,2.5"),
    ]

    @Test("Numbers interpolate like the spec expects", arguments: interpolations)
    func interpolation(value: MustacheValue, text: String) {
        expectRender("{{v}}", ["v": value], equals: text)
    }

    static let falseyValues: [MustacheValue] = [.null, false, 0, 0.0, "", .trusted(""), []]

    @Test("Falsey values skip sections and show inverted ones", arguments: falseyValues)
    func falsey(value: MustacheValue) {
        #expect(!value.isTruthy)
        expectRender("{{#v}}yes{{/v}}{{^v}}no{{/v}}", ["v": value], equals: "no")
    }

    static let truthyValues: [(MustacheValue, String)] = [
        (.bool(true), "yes"),
        (.int(1), "yes"),
        (.string("text"), "yes"),
        (.object([:]), "yes"),
        (.array([1, 2, 3]), "yesyesyes"),
    ]

    @Test("Truthy values render sections once, lists once per item", arguments: truthyValues)
    func truthy(value: MustacheValue, expected: String) {
        #expect(value.isTruthy)
        expectRender("{{#v}}yes{{/v}}{{^v}}no{{/v}}", ["v": value], equals: expected)
    }

    @Test("Literals build the matching cases")
    func literals() {
        let value: MustacheValue = ["s": "x", "i": 1, "d": 1.5, "b": true, "n": nil, "a": [1]]
        #expect(value == .object([
            "s": .string("x"), "i": .int(1), "d": .double(1.5), "b": .bool(true), "n": .null, "a": .array([.int(1)]),
        ]))
    }

    @Test("Names resolve up the context stack; dotted names only from their first part")
    func contextStack() {
        let data: MustacheValue = [
            "title": "Report", "campaigns": [["name": "Spring"], ["name": "Summer", "title": "Own"]],
        ]
        expectRender("{{#campaigns}}{{name}}:{{title}} {{/campaigns}}", data, equals: "Spring:Report Summer:Own ")
    }
}

// MARK: - Whitespace beyond the spec

@Suite("Indentation")
struct IndentationTests {
    @Test("Nested standalone partials add their indentation up")
    func nestedPartialIndentation() {
        expectRender("<ul>\n  {{>items}}\n</ul>\n",
                     ["items": ["a", "b"]],
                     partials: ["items": "{{#items}}\n  {{>item}}\n{{/items}}\n", "item": "<li>\n  {{.}}\n</li>\n"],
                     equals: "<ul>\n    <li>\n      a\n    </li>\n    <li>\n      b\n    </li>\n</ul>\n")
    }

    @Test("Blank lines of an indented partial stay blank")
    func blankLinesStayBlank() {
        expectRender("  {{>p}}\n", partials: ["p": "a\n\nb\n"], equals: "  a\n\n  b\n")
    }

    @Test("Interpolated text is not re-indented")
    func valuesNotIndented() {
        expectRender("  {{>p}}\n", ["v": "x\ny"], partials: ["p": "{{v}}\nz\n"], equals: "  x\ny\n  z\n")
    }
}

// MARK: - A context under an added object

@Suite("Rendering under an added object")
struct RenderUnderTests {
    @Test("Names are looked up in the added object first, then in the context under it")
    func addedObjectFirst() throws {
        let template = try Template(source: "{{content}} {{title}} {{#page}}{{content}}{{title}}{{/page}}", name: "t")
        var output = ByteBuffer()
        try template.render(["title": "T", "content": "old", "page": ["title": "P"]], under: ["content": .trusted("<b>")],
                            into: &output)
        #expect(output.withBytes { String(decoding: $0, as: UTF8.self) } == "<b> T <b>P")
    }
}
