import Mustache
import Testing

// MARK: - Objects and byte output

@Suite("Objects and byte output")
struct ObjectTests {
    @Test("An object keeps insertion order, replaces a repeated key and removes a key set to nil")
    func fields() {
        var object: MustacheObject = ["b": 1, "a": 2]
        object["c"] = 3
        object["b"] = 4
        #expect(object.keys == ["b", "a", "c"])
        #expect(object["b"] == 4)
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object["a"] == nil)
        #expect(object.map(\.key) == ["b", "c"])
    }

    @Test("Objects made from shared keys read like literals, and changing one leaves the others and the keys alone")
    func sharedKeys() throws {
        let keys: MustacheObject.Keys = ["name", "count"]
        var one = MustacheObject(keys, ["a", 1])
        let other = MustacheObject(keys, ["b", 2])
        #expect(one == ["count": 1, "name": "a"])
        #expect(one.keys == ["name", "count"])
        #expect(one["count"] == 1)
        one["extra"] = true
        one["name"] = nil
        #expect(one.keys == ["count", "extra"])
        #expect(other.keys == ["name", "count"])
        #expect(MustacheObject(keys, ["c", 3]).keys == ["name", "count"])
        let template = try Template(source: "{{#o}}{{name}}={{count}}{{/o}}", name: "t")
        #expect(try template.render(["o": .object(other)]) == "b=2")
    }

    @Test("An object finds each of many keys and no other, also after keys are added and removed")
    func manySharedKeys() {
        let names = (0..<300).map { "key\($0)" }
        for count in [1, 3, 8, 40, 255, 256, 300] {
            var object = MustacheObject(MustacheObject.Keys(Array(names.prefix(count))), (0..<count).map { .int($0) })
            for i in 0..<count { #expect(object[names[i]] == .int(i)) }
            #expect(object["key\(count)"] == nil && object["missing"] == nil && object[""] == nil)
            object["added"] = true
            object[names[0]] = nil
            #expect(object["added"] == true && object[names[0]] == nil)
            if count > 1 { #expect(object[names[count - 1]] == .int(count - 1)) }
        }
        let literal: MustacheObject = ["a": 1, "b": 2, "a": 3]
        #expect(literal.keys == ["a", "b"] && literal["a"] == 3)
    }

    @Test("An object made from an array leaves the array as it was; a changed copy leaves the original")
    func valuesStayPut() {
        let keys: MustacheObject.Keys = ["a", "b", "c"]
        let values: [MustacheValue] = ["one", ["x": "two"], [3, "four"]]
        let object = MustacheObject(keys, values)
        #expect(values == ["one", ["x": "two"], [3, "four"]])
        var copy = object
        copy["a"] = "changed"
        copy["d"] = true
        #expect(object == ["a": "one", "b": ["x": "two"], "c": [3, "four"]])
        #expect(copy == ["a": "changed", "b": ["x": "two"], "c": [3, "four"], "d": true])
        var emptied = copy
        for key in ["a", "b", "c", "d"] { emptied[key] = nil }
        #expect(emptied.isEmpty && emptied.count == 0 && copy.count == 4)
        #expect(Array(object.map(\.key)) == ["a", "b", "c"])
    }

    @Test("Equality ignores order, as a dictionary's does")
    func equality() {
        let one: MustacheObject = ["x": 1, "y": "two", "z": [true]]
        let other: MustacheObject = ["z": [true], "x": 1, "y": "two"]
        #expect(one == other)
        #expect(one != ["x": 1, "y": "two"])
        #expect(one != ["x": 1, "y": "two", "z": [false]])
        #expect(MustacheObject(["k": .int(1), "j": .int(2)]) == ["j": 2, "k": 1])
    }

    @Test("Lookups find every key among many, including keys that share a prefix or a length")
    func manyKeys() throws {
        var object = MustacheObject()
        let keys = (0..<300).map { "key_\($0)" } + ["audience_name", "audience_size", "audience_size_raw", "", "é", "e"]
        for (n, key) in keys.enumerated() { object[key] = .int(n) }
        for (n, key) in keys.enumerated() {
            let template = try Template(source: "{{#o}}[{{\(key.isEmpty ? "missing" : key)}}]{{/o}}", name: "t")
            let text = try template.render(["o": .object(object)])
            #expect(text == (key.isEmpty ? "[]" : "[\(n)]"), "\(key)")
        }
    }

    @Test("Rendering into a buffer appends to what it holds; trusted bytes go in as they are")
    func intoBuffer() throws {
        let template = try Template(source: "<{{{body}}}|{{name}}>", name: "t")
        var output = Array("head ".utf8)
        try template.render(["body": .trustedBytes(Array("<p>a & b</p>".utf8)), "name": "R&D"], into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "head <<p>a & b</p>|R&amp;D>")
    }

    @Test("The byte-level HTML escaper agrees with a character-by-character reference", arguments: [
        "", "plain", "<>&\"'", "Tom & Jerry's <b>\"x\"</b>", "über & ça < ☃ >", "&&&&", "a'b'c", "'\u{0}'",
    ])
    func htmlEscaper(text: String) {
        let reference = text.map { c -> String in
            switch c {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: String(c)
            }
        }.joined()
        #expect(RenderOptions.escapeHTML(text) == reference)
        var bytes: [UInt8] = [0x40]
        var copy = text
        copy.withUTF8 { RenderOptions.escapeHTML($0, into: &bytes) }
        #expect(String(decoding: bytes, as: UTF8.self) == "@" + reference)
    }

    @Test("A list interpolates as its items' texts joined by commas, indented once")
    func listInterpolation() throws {
        let template = try Template(source: "  {{>p}}", name: "t")
        let partials = DictionaryPartials(["p": "{{list}}\n{{list}}\n"])
        let text = try template.render(["list": ["a&", 2, .null, .trusted("<t>"), ["x", "y"]]], partials: partials)
        #expect(text == "  a&amp;,2,,<t>,x,y\n  a&amp;,2,,<t>,x,y\n")
    }
}

@Suite("Rendering with values kept apart")
struct SeparatedValuesTests {
    @Test("each non-empty value becomes one token, in order; its text is escaped into the values")
    func tokens() throws {
        let template = try Template(source: "{{a}}|{{empty}}|{{{b}}}|{{#xs}}{{.}},{{/xs}}", name: "t")
        var output: [UInt8] = []
        var values = SeparatedValues()
        try template.render(["a": "x<y", "empty": "", "b": .trusted("<b>"), "xs": [1, 2]], into: &output, separating: &values)
        let token = String(decoding: SeparatedValues.token, as: UTF8.self)
        #expect(String(decoding: output, as: UTF8.self) == "\(token)||\(token)|\(token),\(token),")
        #expect(values.count == 4)
        let texts = (0..<values.count).map { String(decoding: values.bytes[values.range($0)], as: UTF8.self) }
        #expect(texts == ["x&lt;y", "<b>", "1", "2"])
    }

    @Test("a token that starts a line of an indented partial is indented like the value's text")
    func indentation() throws {
        let template = try Template(source: "  {{>p}}", name: "t")
        var output: [UInt8] = []
        var values = SeparatedValues()
        try template.render(["v": "x"], partials: DictionaryPartials(["p": "{{v}}\n{{v}}\n"]), into: &output, separating: &values)
        let token = String(decoding: SeparatedValues.token, as: UTF8.self)
        #expect(String(decoding: output, as: UTF8.self) == "  \(token)\n  \(token)\n")
        #expect(values.count == 2)
    }
}
