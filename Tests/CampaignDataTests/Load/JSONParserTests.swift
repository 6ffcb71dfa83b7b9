import Testing
@testable import CampaignData

@Suite("JSON parser with positions")
struct JSONParserTests {
    @Test("values and their positions")
    func positions() throws {
        let node = try JSONParser.parse("{\n  \"a\": [1, 2.5, \"x\"],\n  \"b\": null\n}")
        #expect(node.position == JSONPosition(line: 1, column: 1))
        let a = try #require(node["a"])
        #expect(a.position == JSONPosition(line: 2, column: 8))
        guard case let .array(items) = a.value else { Issue.record("not an array"); return }
        #expect(items.map(\.position.column) == [9, 12, 17])
        #expect(node["b"]?.value == .null)
    }

    @Test("strings: escapes, surrogate pairs, UTF-8")
    func strings() throws {
        let node = try JSONParser.parse(#"["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00", "é😀"]"#)
        guard case let .array(items) = node.value else { Issue.record("not an array"); return }
        #expect(items[0].value == .string("a\"b\\c/\n\t"))
        #expect(items[1].value == .string("é😀"))
        #expect(items[2].value == .string("é😀"))
    }

    @Test("columns count characters, not bytes")
    func columnsInCharacters() {
        #expect(throws: JSONSyntaxError(position: JSONPosition(line: 1, column: 7), message: "unexpected \"x\"; expected ',' or ']'")) {
            try JSONParser.parse("[\"é😀\" x]")
        }
    }

    @Test("syntax errors name the position and what was expected", arguments: [
        ("{\"a\": 1,}", 1, 9, "expected a member name"),
        ("[1, 2", 1, 6, "unexpected end of file"),
        ("{\"a\" 1}", 1, 6, "expected ':'"),
        ("[01]", 1, 3, "leading zero"),
        ("[\"abc", 1, 2, "unterminated string"),
        ("[tru]", 1, 2, "expected true"),
        ("[1] 2", 1, 5, "after the JSON value"),
        ("\n\n  @", 3, 3, "expected a JSON value"),
        ("[\"\\q\"]", 1, 3, "invalid escape"),
    ])
    func syntaxErrors(source: String, line: Int, column: Int, fragment: String) {
        do {
            _ = try JSONParser.parse(source)
            Issue.record("expected an error for \(source)")
        } catch {
            #expect(error.position == JSONPosition(line: line, column: column), "\(source): \(error.message)")
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test("numbers keep their text")
    func numbers() throws {
        let node = try JSONParser.parse("[0, -12, 3.25, 1e3]")
        guard case let .array(items) = node.value else { Issue.record("not an array"); return }
        #expect(items.map(\.value) == [.number(0, text: "0"), .number(-12, text: "-12"), .number(3.25, text: "3.25"), .number(1000, text: "1e3")])
        if case let .number(_, text) = items[3].value { #expect(text == "1e3") }
    }

    @Test("deep nesting is an error, not a crash")
    func deepNesting() {
        let deep = String(repeating: "[", count: 5000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }
}
