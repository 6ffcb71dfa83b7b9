import Foundation
import Mustache
import Testing

// MARK: - Partials

@Suite("Partials")
struct PartialTests {
    @Test("A partial that includes itself forever stops with an error instead of crashing")
    func selfRecursionIsBounded() throws {
        let partials = DictionaryPartials(["loop": "x{{>loop}}"])
        let error = try #require(renderError("{{>loop}}", partials: partials))
        #expect(error.templateName == "loop")
        #expect(error.column == 2)
        #expect(error.message.hasPrefix("partial recursion too deep: more than 100 nested partials"))
        #expect(error.message.contains("'loop'"))
    }

    @Test("Mutual recursion through parents and blocks is bounded too")
    func parentAndBlockRecursionIsBounded() throws {
        let parents = DictionaryPartials(["a": "{{<b}}{{/b}}", "b": "{{<a}}{{/a}}"])
        #expect(renderError("{{<a}}{{/a}}", partials: parents)?.message.hasPrefix("partial recursion too deep") == true)
        let blocks = DictionaryPartials(["p": "{{$x}}{{/x}}"])
        let error = renderError("{{<p}}{{$x}}[{{$x}}{{/x}}]{{/x}}{{/p}}", partials: blocks)
        #expect(error?.message.hasPrefix("partial recursion too deep") == true)
    }

    @Test("Legitimate recursion over nested data renders up to the limit")
    func deepDataRecursion() throws {
        var tree: MustacheValue = ["name": "leaf", "children": []]
        for level in 0..<90 { tree = ["name": .string("n\(level)"), "children": [tree]] }
        let template = try Template(source: "{{>node}}", name: "tree")
        let rendered = try template.render(
            tree, partials: DictionaryPartials(["node": "({{name}}{{#children}}{{>node}}{{/children}})"]))
        #expect(rendered.hasPrefix("(n89(n88"))
        #expect(rendered.hasSuffix("(leaf)" + String(repeating: ")", count: 90)))
    }

    @Test("Rendering uses no native recursion: a thousand nested partials are fine when allowed")
    func deepRecursionNeedsNoStack() throws {
        var list: MustacheValue = []
        for _ in 0..<1_000 { list = ["next": list] }
        let template = try Template(source: "{{>p}}", name: "deep")
        let rendered = try template.render(
            ["next": list], partials: DictionaryPartials(["p": "{{#next}}+{{>p}}{{/next}}"]),
            options: RenderOptions(maxPartialDepth: 1_001))
        #expect(rendered == String(repeating: "+", count: 1_000))
    }

    @Test("Sections nest at most 100 deep in one template, so parsing cannot exhaust the stack")
    func nestingLimit() throws {
        let ok = String(repeating: "{{#a}}", count: 100) + String(repeating: "{{/a}}", count: 100)
        #expect(throws: Never.self) { try Template(source: ok, name: "ok") }
        let error = try #require(parseError(String(repeating: "{{#a}}", count: 10_000)))
        #expect(error.column == 601)
        #expect(error.message == "'{{#a}}' is nested too deeply: more than 100 open sections, parents and blocks")
    }

    @Test("The depth limit can be set")
    func customDepth() throws {
        let options = RenderOptions(maxPartialDepth: 3)
        let partials = DictionaryPartials(["p": "{{#next}}{{>p}}{{/next}}."])
        let data: MustacheValue = ["next": ["next": ["next": ["next": true]]]]
        #expect(renderError("{{>p}}", data, partials: partials, options: options)?.message
            .hasPrefix("partial recursion too deep: more than 3") == true)
    }

    @Test("A missing partial renders empty unless missingPartialIsError")
    func missingPartial() throws {
        expectRender("[{{>nope}}]", equals: "[]")
        let options = RenderOptions(missingPartialIsError: true)
        let error = try #require(renderError("ok\n {{>nope}}", options: options))
        #expect(error.message == "partial 'nope' not found")
        #expect((error.line, error.column) == (2, 2))
        let dynamic = try #require(renderError("{{>*which}}", ["which": "gone"], options: options))
        #expect(dynamic.message == "partial 'gone' not found")
    }

    @Test("Strict mode rejects a dynamic partial name that is missing or not a string")
    func strictDynamicNames() throws {
        #expect(renderError("{{>*which}}", options: .strict)?.message
            == "unknown name 'which': no key 'which' in the data here")
        #expect(renderError("{{>*which}}", ["which": 3], options: .strict)?.message
            == "dynamic partial name 'which' is a number: expected a string")
    }

    @Test("Pre-parsed templates can serve as partials")
    func templatePartials() throws {
        let card = try Template(source: "<{{.}}>", name: "card")
        let page = try Template(source: "{{#items}}{{>card}}{{/items}}", name: "page")
        #expect(try page.render(["items": ["a", "b"]], partials: DictionaryPartials(templates: ["card": card]))
            == "<a><b>")
    }

    // MARK: - DirectoryPartials

    @Test("DirectoryPartials reads NAME.mustache, including subfolders, and nil when absent")
    func directoryPartials() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/parts", withIntermediateDirectories: true)
        try "Hello {{name}}".write(toFile: folder + "/greeting.mustache", atomically: true, encoding: .utf8)
        try "[{{>greeting}}]".write(toFile: folder + "/parts/box.mustache", atomically: true, encoding: .utf8)
        let partials = DirectoryPartials(directory: folder)
        let page = try Template(source: "{{>parts/box}}{{>absent}}", name: "page")
        #expect(try page.render(["name": "Ada"], partials: partials) == "[Hello Ada]")
        #expect(try partials.template(named: "absent") == nil)
        #expect(try partials.template(named: "parts") == nil)
        #expect(try partials.template(named: "greeting")?.name == folder + "/greeting.mustache")
    }

    @Test("DirectoryPartials refuses names that leave its folder",
          arguments: ["../secret", "/etc/passwd", "a/../b", ""])
    func directoryPartialsRefuseEscapes(name: String) throws {
        let partials = DirectoryPartials(directory: "/nonexistent")
        #expect(throws: (any Error).self) { try partials.template(named: name) }
    }

    @Test("A partial that cannot be loaded is an error at the tag, quoting the resolver")
    func loadFailureIsWrapped() throws {
        let error = try #require(renderError("x {{>../up}}", partials: DirectoryPartials(directory: "/nonexistent")))
        #expect(error.column == 3)
        #expect(error.message.hasPrefix("cannot load partial '../up': a partial name must be a relative path"))
    }

    @Test("A syntax error in a partial file names the file")
    func directoryPartialSyntaxError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "line one\n{{#open}}".write(toFile: folder + "/bad.html", atomically: true, encoding: .utf8)
        let partials = DirectoryPartials(directory: folder, extension: "html")
        let error = try #require(renderError("{{>bad}}", partials: partials))
        #expect(error.templateName == folder + "/bad.html")
        #expect(error.line == 2)
    }

    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "mustache-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

// MARK: - Inheritance beyond the spec

@Suite("Inheritance")
struct InheritanceTests {
    @Test("An indented override is re-indented where its block sits (spec PR #131 example)")
    func reindentedOverride() {
        expectRender("{{<parent}}\n        {{$block}}\n        Hello\n        {{/block}}\n{{/parent}}",
                     partials: ["parent": "I say,\n  {{$block}}\n  Hi there!\n  {{/block}}"],
                     equals: "I say,\n  Hello\n")
    }

    @Test("Intrinsic indentation is removed even inside a list item (spec issue #135 example)")
    func outdentedOverride() {
        let source = "* a\n* b\n* {{<parent}}{{$block}}\n                {{! notice this big indent }}\n"
            + "                c{{/block}}{{/parent}}\n* d\n* e"
        expectRender(source, partials: ["parent": "{{$block}}x{{/block}}"], equals: "* a\n* b\n* c\n* d\n* e")
    }

    @Test("A parent's name can come from the data, like a dynamic partial")
    func dynamicParent() {
        expectRender("{{<*layout}}{{$body}}Hi{{/body}}{{/*layout}}", ["layout": "wide"],
                     partials: ["wide": "<wide>{{$body}}{{/body}}</wide>"], equals: "<wide>Hi</wide>")
    }

    @Test("A layout with several blocks, defaults and data")
    func layout() {
        let layout = """
            <html>
              <head><title>{{$title}}Funnelmark{{/title}}</title></head>
              <body>
                {{$content}}
                <p>nothing here</p>
                {{/content}}
              </body>
            </html>

            """
        let page = """
            {{<layout}}
            {{$content}}
            <h1>{{name}}</h1>
            <p>{{summary}}</p>
            {{/content}}
            {{/layout}}

            """
        expectRender(page, ["name": "Spring", "summary": "Good"], partials: ["layout": layout], equals: """
            <html>
              <head><title>Funnelmark</title></head>
              <body>
                <h1>Spring</h1>
                <p>Good</p>
              </body>
            </html>

            """)
    }
}
