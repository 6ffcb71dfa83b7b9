import Mustache
import Testing

// MARK: - Parse errors

@Suite("Template errors point at the problem")
struct TemplateErrorTests {
    @Test("An unclosed section points at its opening tag and names it")
    func unclosedSection() throws {
        let error = try #require(parseError("Hello\n  {{#a}}\nbody\n"))
        #expect(error.templateName == "test.mustache")
        #expect((error.line, error.column) == (2, 3))
        #expect(error.message == "unclosed section '{{#a}}': expected '{{/a}}' before the end of the template")
        #expect(error.sourceLine == "  {{#a}}")
    }

    @Test("An unclosed parent and an unclosed block say what they are")
    func unclosedParentAndBlock() throws {
        let parent = try #require(parseError("{{<layout}}"))
        #expect(parent.message.hasPrefix("unclosed parent '{{<layout}}'"))
        let block = try #require(parseError("x {{$title}}"))
        #expect(block.message.hasPrefix("unclosed block '{{$title}}'"))
        #expect(block.column == 3)
    }

    @Test("A mismatched closing tag points at the closing tag and names both")
    func mismatchedClose() throws {
        let error = try #require(parseError("{{#a}}{{/b}}"))
        #expect((error.line, error.column) == (1, 7))
        #expect(error.message
            == "closing tag '{{/b}}' does not match '{{#a}}' opened at line 1, column 1: expected '{{/a}}'")
    }

    @Test("A closing tag with nothing open is an error")
    func strayClose() throws {
        let error = try #require(parseError("text {{/a}}"))
        #expect(error.column == 6)
        #expect(error.message == "unexpected closing tag '{{/a}}': no section is open")
    }

    @Test("An unclosed tag points at its opening delimiter", arguments: [
        ("{{name", 1, "unclosed tag '{{name': expected '}}' to close it"),
        ("Dear {{name,\nwelcome}}", 6, "unclosed tag '{{name,': expected '}}' on the same line"),
        ("{{a {{b}}", 1, "unclosed tag '{{a {{b}}': expected '}}' before the next '{{'"),
        ("{{{raw}}", 1, "unclosed tag '{{{raw}}': expected '}}}' to close it"),
        ("{{! never closed", 1, "unclosed tag '{{! never closed': expected '}}' to close it"),
    ])
    func unclosedTag(source: String, column: Int, message: String) throws {
        let error = try #require(parseError(source))
        #expect(error.line == 1)
        #expect(error.column == column)
        #expect(error.message == message)
    }

    static let twoDelimiters = "expected two delimiters separated by a space, like '{{=<% %>=}}'"

    @Test("A bad set-delimiter tag is an error", arguments: [
        ("{{=<% %>", "unclosed tag '{{=<% %>': expected '=}}' to close it"),
        ("{{= a =}}", "invalid set-delimiter tag '{{= a =}}': " + twoDelimiters),
        ("{{=a b c=}}", "invalid set-delimiter tag '{{=a b c=}}': " + twoDelimiters),
    ])
    func badDelimiters(source: String, message: String) throws {
        let error = try #require(parseError(source))
        #expect(error.message == message)
    }

    @Test("Closing tags use the delimiters in effect in their messages")
    func customDelimitersInMessages() throws {
        let error = try #require(parseError("{{=<% %>=}}\n<%#items%>"))
        #expect(error.line == 2)
        #expect(error.message == "unclosed section '<%#items%>': expected '<%/items%>' before the end of the template")
    }

    @Test("Invalid names are errors", arguments: [
        ("{{}}", "empty tag '{{}}': expected a name"),
        ("{{first name}}", "invalid name 'first name' in '{{first name}}': a name cannot contain spaces"),
        ("{{a..b}}", "invalid name 'a..b' in '{{a..b}}': expected '.' or keys joined by single dots, like 'a.b'"),
        ("{{#.a}}{{/.a}}", "invalid name '.a' in '{{#.a}}': expected '.' or keys joined by single dots, like 'a.b'"),
        ("{{> two words}}", "invalid partial name in '{{> two words}}': expected a name without spaces"),
    ])
    func invalidNames(source: String, message: String) throws {
        let error = try #require(parseError(source))
        #expect(error.message == message)
    }

    @Test("Columns count characters, not bytes")
    func columnsInCharacters() throws {
        let error = try #require(parseError("Café 👋🏽 {{#a}}"))
        #expect(error.column == 8)
    }

    // MARK: - Description

    @Test("The description is NAME:LINE:COL, the source line and a caret under the column")
    func descriptionFormat() throws {
        let source = "# {{title}}\n\n{{#campaigns}}\n- {{name}} {{/campaign}}\n"
        let error = try #require(parseError(source, name: "index.md"))
        #expect(error.description == """
            index.md:4:12: closing tag '{{/campaign}}' does not match '{{#campaigns}}' opened at line 3, \
            column 1: expected '{{/campaigns}}'
            - {{name}} {{/campaign}}
                       ^
            """)
    }

    @Test("An error on line 3 of a multi-line template shows line 3")
    func errorOnLineThree() throws {
        let error = try #require(parseError("first\nsecond\nthird {{name\nfourth }}"))
        #expect(error.description == """
            test.mustache:3:7: unclosed tag '{{name': expected '}}' on the same line
            third {{name
                  ^
            """)
    }

    @Test("The caret keeps tabs so it lines up under tab-indented source")
    func caretWithTabs() throws {
        let error = try #require(parseError("\t\t{{/x}}"))
        #expect(error.description.hasSuffix("\n\t\t{{/x}}\n\t\t^"))
    }

    @Test("CRLF line endings do not leak into the source line")
    func crlfSourceLine() throws {
        let error = try #require(parseError("a\r\n{{#b}}\r\nc"))
        #expect(error.sourceLine == "{{#b}}")
        #expect(error.line == 2)
    }

    // MARK: - Render errors

    @Test("Strict mode: an unknown variable is an error at its tag")
    func strictUnknownVariable() throws {
        let error = try #require(renderError("Hi\n  {{user.name}}!", ["user": [:]], options: .strict))
        #expect(error.templateName == "page.mustache")
        #expect((error.line, error.column) == (2, 3))
        #expect(error.message == "unknown name 'user.name': 'user' has no key 'name'")
    }

    static let strictCases: [(String, MustacheValue, String)] = [
        ("{{missing}}", [:], "unknown name 'missing': no key 'missing' in the data here"),
        ("{{a.b}}", ["a": "text"], "unknown name 'a.b': 'a' is a string, not an object with key 'b'"),
        ("{{#list}}{{/list}}", [:], "unknown name 'list': no key 'list' in the data here"),
        ("{{^flag}}{{/flag}}", [:], "unknown name 'flag': no key 'flag' in the data here"),
        ("{{obj}}", ["obj": ["k": 1]], "'obj' is an object, which cannot be inserted as text: name one of its keys"),
    ]

    @Test("Strict mode explains broken chains", arguments: strictCases)
    func strictMessages(source: String, data: MustacheValue, message: String) throws {
        let error = try #require(renderError(source, data, options: .strict))
        #expect(error.message == message)
    }

    @Test("Strict mode accepts null and false: they resolve to something")
    func strictAcceptsNull() throws {
        expectRender("[{{n}}]{{^f}}no{{/f}}", ["n": nil, "f": false], options: .strict, equals: "[]no")
    }

    @Test("Without strict mode unknown names render empty")
    func lenientByDefault() {
        expectRender("[{{missing}}{{#gone}}x{{/gone}}]", equals: "[]")
    }

    @Test("Errors inside a partial name the partial and its own line")
    func errorInsidePartial() throws {
        let partials = DictionaryPartials(["card": "<h2>\n{{title}}</h2>"])
        let error = try #require(renderError("{{#items}}{{>card}}{{/items}}", ["items": [[:]]],
                                             partials: partials, options: .strict))
        #expect(error.templateName == "card")
        #expect((error.line, error.column) == (2, 1))
    }

    @Test("A partial with a syntax error reports it in the partial")
    func partialSyntaxError() throws {
        let partials = DictionaryPartials(["broken": "ok\n{{#open}}"])
        let error = try #require(renderError("{{>broken}}", partials: partials))
        #expect(error.templateName == "broken")
        #expect(error.line == 2)
    }
}
