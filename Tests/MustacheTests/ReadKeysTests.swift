import Mustache
import Testing

// MARK: - What templates read

@Suite("What templates read")
struct ReadKeysTests {
    @Test("A template reads every key of the names in its variables, sections, inverted sections and blocks")
    func keys() throws {
        let template = try Template(source: """
            {{title}} {{{raw}}} {{&amp}} {{#a.b}}{{c.d.e}}{{/a.b}}{{^missing}}{{.}}{{/missing}}{{$block}}{{inside}}{{/block}}{{! note }}
            """, name: "t")
        let reads = template.reads
        #expect(reads.keys == ["title", "raw", "amp", "a", "b", "c", "d", "e", "missing", "block", "inside"])
        #expect(reads.partials.isEmpty)
        #expect(!reads.hasDynamicPartials)
    }

    @Test("Partials and parents are listed by name; a dynamic partial reads its name and is flagged")
    func partials() throws {
        let template = try Template(source: "{{> card}}{{<frame}}{{$slot}}{{x}}{{/slot}}{{/frame}}{{>*which.one}}", name: "t")
        let reads = template.reads
        #expect(reads.partials == ["card", "frame"])
        #expect(reads.hasDynamicPartials)
        #expect(reads.keys == ["slot", "x", "which", "one"])
    }

    @Test("A builder keeps only the fields read, computes no value it leaves out, and renders the same")
    func builder() throws {
        let keys: MustacheObject.Keys = ["shown", "hidden", "also"]
        let fields = MustacheObject.ReadFields(keys, reading: ReadableKeys(["shown", "also"]))
        #expect(fields.reads(0) && !fields.reads(1) && fields.reads(2))
        var computed: [String] = []
        func value(_ name: String) -> MustacheValue {
            computed.append(name)
            return .string(name)
        }
        var object = MustacheObject.Builder(fields)
        object.add(value("shown"))
        object.add(value("hidden"))
        object.add(value("also"))
        let pruned = object.value()
        #expect(computed == ["shown", "also"])
        #expect(pruned == ["shown": "shown", "also": "also"])
        let template = try Template(source: "{{shown}}+{{also}}", name: "t")
        #expect(try template.render(pruned) == template.render(["shown": "shown", "hidden": "hidden", "also": "also"]))
    }

    @Test("Reading everything keeps every field, past the 64th too")
    func all() {
        let names = (0..<70).map { "k\($0)" }
        let fields = MustacheObject.ReadFields(MustacheObject.Keys(names), reading: ReadableKeys(["k1"]))
        #expect(fields.count == 70)
        #expect(MustacheObject.ReadFields(all: ["a", "b"]).count == 2)
        #expect(ReadableKeys.all.contains("anything"))
        #expect(!ReadableKeys(["a"]).contains("b"))
    }
}
