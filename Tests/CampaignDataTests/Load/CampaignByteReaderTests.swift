import Testing
@testable import CampaignData

/// The byte reader must give exactly what the tree reader gives, or give up.
@Suite("campaigns read straight from the bytes")
struct CampaignByteReaderTests {
    static let file = "data/campaigns.json"

    /// The byte reader's campaigns (nil: it gave up).
    static func fast(_ text: String, pieces: Int? = 1, splitAt: [Int]? = nil) -> [Campaign]? {
        Array(text.utf8).withUnsafeBufferPointer { CampaignByteReader.read($0, file: file, pieces: pieces, splitAt: splitAt) }
    }

    static func tree(_ text: String) throws(InputError) -> [Campaign] {
        try CampaignLoader.parseTree(bytes: Array(text.utf8), file: file)
    }

    /// Equal, and every string the same scalars (String's == would equate "é" and "e\u{301}").
    static func exactlyEqual(_ a: [Campaign], _ b: [Campaign]) -> Bool {
        func strings(_ c: Campaign) -> [[Unicode.Scalar]] {
            var all: [String?] = [c.id, c.name, c.subject, c.preheader, c.fromName, c.fromEmail, c.audience.name,
                                  c.utm.source, c.utm.medium, c.utm.campaign, c.utm.term, c.utm.content, c.location?.file]
            all += c.tags.map { Optional($0) }
            all += (c.links ?? []).map { Optional($0.url) }
            return all.map { Array(($0 ?? "\u{0}nil").unicodeScalars) }
        }
        return a == b && a.count == b.count && zip(a, b).allSatisfy { strings($0) == strings($1) && $0.sourceDigest == $1.sourceDigest }
    }

    /// Checks that the byte reader reads `text` and agrees with the tree reader.
    static func expectSame(_ text: String, pieces: Int? = 1, splitAt: [Int]? = nil,
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let expected = try tree(text)
        let got = fast(text, pieces: pieces, splitAt: splitAt)
        #expect(got != nil, "the byte reader gave up", sourceLocation: sourceLocation)
        if let got {
            #expect(exactlyEqual(got, expected), "\(got.map(\.id)) vs \(expected.map(\.id))", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Documents

    /// Campaigns with everything that is easy to get wrong: strings holding braces, brackets,
    /// quotes and escapes, non-ASCII text, nulls, unknown members holding nested values.
    static func tricky(_ i: Int) -> String {
        let names = [#"plain"#, #"br}ace, {\"id\": \"x\"}"#, #"[bracket] ]]"#, #"quote \" and \\ backslash \/"#,
                     #"\b\f\n\r\t"#, #"\u00e9t\u00E9 \ud83d\ude00"#, "été 😀 ✓", #"}, {"#, "e\u{301}"]
        let name = names[i % names.count]
        switch i % 5 {
        case 0:
            return #"{"id": "c\#(i)", "name": "\#(name)", "status": "sent", "sent_at": "2026-01-0\#(i % 9 + 1)T09:00:00Z", "#
                + #""audience": {"name": "All {x}", "size": \#(100 + i), "extra": [1, {"a": "}"}]}, "#
                + #""counts": {"sent": 100, "delivered": 90, "bounced": 10, "hard_bounced": 4, "unique_opens": 40, "#
                + #""human_unique_opens": 30, "unique_clicks": 9, "total_clicks": 12, "complaints": 0, "dropped": 2}, "#
                + #""links": [{"url": "https://x.example/\#(i)?a=[1]", "clicks": 5, "unique_clicks": 4, "note": {"id": "n"}}], "#
                + #""tags": ["a", "\#(name)"], "utm": {"source": "s", "medium": null, "campaign": "c\#(i)"}}"#
        case 1:
            return #"{ "status" : "draft" , "id" : "c\#(i)" , "subject" : null , "x-custom" : { "id" : "nested", "list" : [ [ ], { } ] } }"#
        case 2:
            return "{\n    \"id\": \"c\(i)\",\n    \"status\": \"scheduled\",\n    \"scheduled_at\": \"2026-03-01T10:00:00+02:00\",\n"
                + "    \"preheader\": \"\(name)\",\n    \"from_name\": \"Ünïcödé\",\n    \"from_email\": \"a@b.example\",\n"
                + "    \"counts\": null,\n    \"links\": null,\n    \"tags\": null,\n    \"utm\": null,\n    \"audience\": null\n  }"
        case 3:
            return #"{"id": "c\#(i)", "status": "sending", "completed_at": "1780304400.5", "counts": {"sent": 0}, "#
                + #""links": [], "tags": [], "weird": [true, false, null, -1.5e+3, 0, "{\"id\": 1}"]}"#
        default:
            return #"{"id":"c\#(i)","status":"sent","sent_at":"2026\u002d02\u002d01T00:00:00Z","counts":{"sent":999999999999999,"#
                + #""delivered":5,"bounced":3,"hard_bounced":1,"soft_bounced":2,"total_opens":7,"unique_opens":6},"#
                + #""links":[{"url":"u","unique_clicks":3},{"url":"v","clicks":null}],"name":"\#(name)"}"#
        }
    }

    static func document(_ count: Int, separator: String = ", ", wrapped: Bool = true) -> String {
        let items = (0..<count).map(tricky).joined(separator: separator)
        return wrapped ? #"{"version": {"a": [1, "]"]}, "campaigns": ["# + items + #"], "more": "}"}"# : "[" + items + "]"
    }

    /// The byte offset of `marker` in `text`.
    static func offset(of marker: String, in text: String) -> Int? {
        let t = Array(text.utf8), m = Array(marker.utf8)
        guard m.count <= t.count else { return nil }
        return (0...(t.count - m.count)).first { t[$0..<($0 + m.count)].elementsEqual(m) }
    }

    /// Where each top-level campaign object starts, by the tree reader.
    static func boundaries(_ text: String) throws -> [Int] {
        let root = try JSONParser.parse(bytes: Array(text.utf8))
        let list = root["campaigns"] ?? root
        guard case let .array(items) = list.value else { return [] }
        return items.map(\.span.lowerBound)
    }

    // MARK: - Tests

    @Test("reads what the tree reader reads, campaign for campaign", arguments: [
        document(10),
        document(10, separator: ",\n  "),
        document(10, separator: ",\r\n", wrapped: false),
        "\u{FEFF}" + document(5),
        "\u{FEFF}\n\n  " + document(5, separator: "\n,\n"),
        #"{"campaigns": []}"#,
        " [ ] ",
        #"{"campaigns": [], "campaigns": [{"id": "ignored"}]}"#,
        #"{"x": 1, "campaigns": [{"id": "a", "status": "sent"}], "campaigns": "second is ignored"}"#,
        "[" + tricky(0) + "]",
    ])
    func sameAsTree(text: String) throws {
        try Self.expectSame(text)
    }

    @Test("a campaign's location and digest are those of its object in the file")
    func locationsAndDigests() throws {
        let a = #"{"id": "a", "name": "é😀", "status": "draft"}"#, b = #"{"id": "b", "status": "draft"}"#
        let text = "[\(a), \(b),\n  \(b.replacingOccurrences(of: "\"b\"", with: "\"c\""))]"
        let campaigns = try #require(Self.fast(text))
        #expect(campaigns.map(\.location) == [CampaignData.SourceLocation(file: Self.file, line: 1, column: 2),
                                                CampaignData.SourceLocation(file: Self.file, line: 1, column: 48),
                                                CampaignData.SourceLocation(file: Self.file, line: 2, column: 3)])
        #expect(campaigns[0].sourceDigest == digest(a))
        #expect(campaigns[1].sourceDigest == digest(b))
    }

    @Test("valid input it does not take in its stride is read by the tree reader, the same as before", arguments: [
        #"[{"i\u0064": "a", "status": "sent"}]"#,
        #"[{"id": "a", "status": "sent", "ünknown": 1}]"#,
        #"[{"id": "a", "status": "sent", "counts": {"sent": -0}}]"#,
        #"[{"id": "a", "status": "s\u0065nt"}]"#,
        #"{"c\u0061mpaigns": [{"id": "a", "status": "sent"}]}"#,
        #"{"c\u0061mpaigns": [{"id": "a", "status": "sent"}], "campaigns": []}"#,
        #"{"x": {"campaigns": []}, "\u0063ampaigns": [{"id": "a", "status": "sent"}], "campaigns": [{"id": "b", "status": "sent"}]}"#,
        #"[{"id": "a", "status": "sent", "tags": ["\u00e9"], "audience": {"n\u00e4me": 1, "size": 2}}]"#,
    ])
    func givesUpButLoads(text: String) throws {
        #expect(Self.fast(text) == nil)
        let loaded = try CampaignLoader.parse(bytes: Array(text.utf8), file: Self.file)
        #expect(Self.exactlyEqual(loaded, try Self.tree(text)))
    }

    @Test("never accepts what the tree reader rejects", arguments: [
        #"{"campaigns": [{"status": "sent"}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent"}, {"id": "a", "status": "draft"}]}"#,
        #"{"campaigns": [{"id": "a", "status": "done"}]}"#,
        #"{"campaigns": [{"id": "a"}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": -3}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 2.5}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 5e0}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": "7"}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 1000000000000000}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 5, "delivered": 6}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 5, "bounced": 3, "hard_bounced": 1, "soft_bounced": 1}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"unique_clicks": 3, "total_clicks": 2}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"unique_opens": 3, "human_unique_opens": 4}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"snt": 5}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 1, "sent": 1}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "sent_at": "yesterday"}]}"#,
        #"{"campaigns": [{"id": 7, "status": "sent"}]}"#,
        #"{"campaigns": [{"id": null, "status": "sent"}]}"#,
        #"{"campaigns": [{"id": " \t", "status": "sent"}]}"#,
        #"{"campaigns": [{"id": "\n", "status": "sent"}]}"#,
        #"{"campaigns": [{"id": "", "status": "sent"}]}"#,
        #"{"campaigns": [{"id": "a", "status": null}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "name": 1}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "name": "x", "name": "y"}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "other": 1, "other": 2}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "tags": [null]}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "tags": "a"}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "utm": {"source": "s", "src": "t"}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "audience": {"size": -1}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "audience": {"x": 1, "x": 1}}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "audience": []}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "links": [{"clicks": 1}]}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "links": [{"url": ""}]}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "links": [{"url": null}]}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "links": [{"url": "u", "clicks": 1, "unique_clicks": 2}]}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "links": [{"url": "u", "clicks": null, "unique_clicks": 2}]}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent", "links": [1]}]}"#,
        #"{"campaigns": {"id": "a"}}"#,
        #"{"campaign": []}"#,
        #"{}"#,
        #"7"#,
        "",
        #"{"campaigns": [{"id": "a", "status": "sent",}]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent"},]}"#,
        #"{"campaigns": [{"id": "a", "status": "sent"}]} x"#,
        #"{"campaigns": [{"id": "a", "status": "sent"}]"#,
        #"{"campaigns": [{"id": "a", "status": "sent"}], }"#,
        #"[{"id": "a", "status": "sent"}] []"#,
        #"[{"id": "a", "status": "sent", "x": [01]}]"#,
        #"[{"id": "a", "status": "sent", "x": tru}]"#,
        #"[{"id": "a", "status": "sent", "x": "\q"}]"#,
        #"[{"id": "a", "status": "sent", "x": "\ud800"}]"#,
        #"[{"id": "a", "status": "sent", "x": "\udc00"}]"#,
        #"[{"id": "a", "status": "sent", "x": "\ud800\u0041"}]"#,
        #"[{"id": "a", "status": "sent", "x": "\u00g0"}]"#,
        "[{\"id\": \"a\", \"status\": \"sent\", \"x\": \"tab\there\"}]",
        "[{\"id\": \"a\", \"status\": \"sent\", \"x\": \"line\nbreak\"}]",
        "[{\"id\": \"a\", \"status\": \"sent\", \"x\": 1.}]",
        "[{\"id\": \"a\", \"status\": \"sent\", \"x\": -}]",
        "[{\"id\": \"a\", \"status\": \"sent\", \"x\": 1e}]",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        "[{\"id\": \"a\", \"status\": \"sent\", \"x\": " + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}]",
    ])
    func rejectsBadInput(text: String) {
        #expect(Self.fast(text) == nil)
        #expect(throws: InputError.self) { try Self.tree(text) }
    }

    @Test("invalid UTF-8 in a string is rejected, not read")
    func invalidUTF8() {
        for bad: [UInt8] in [[0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xC0, 0xAF]] {
            for field in ["name", "unknown", "id"] {
                let bytes = Array(#"[{"id": "a", "status": "sent", "\#(field)": "x"#.utf8) + bad + Array(#""}]"#.utf8)
                let fast = bytes.withUnsafeBufferPointer { CampaignByteReader.read($0, file: Self.file, pieces: 1) }
                #expect(fast == nil, "\(bad) in \(field)")
                #expect(throws: InputError.self) { try CampaignLoader.parse(bytes: bytes, file: Self.file) }
            }
        }
    }

    @Test("deep nesting up to the tree reader's limit is read; beyond it, rejected")
    func nestingLimit() throws {
        // Root array 1, campaign 2, "x" value 3…: 512 levels in all is the limit.
        func text(_ levels: Int) -> String {
            "[{\"id\": \"a\", \"status\": \"sent\", \"x\": " + String(repeating: "[", count: levels - 2)
                + String(repeating: "]", count: levels - 2) + "}]"
        }
        try Self.expectSame(text(512))
        #expect(Self.fast(text(513)) == nil)
        #expect(throws: InputError.self) { try Self.tree(text(513)) }
    }

    @Test("whatever one byte's change does, the byte reader agrees with the tree reader or gives up")
    func mutations() throws {
        let original = Array(Self.document(5).utf8)
        var random = SplitMix(seed: 7)
        let replacements = Array(#"{}[]",:\ 0-.eE9anu"#.utf8) + [0x0A, 0x00, 0xC3, 0x80]
        for _ in 0..<600 {
            var bytes = original
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 3 {
            case 0: bytes.remove(at: at)
            case 1: bytes.insert(replacements[Int(random.next() % UInt64(replacements.count))], at: at)
            default: bytes[at] = replacements[Int(random.next() % UInt64(replacements.count))]
            }
            let fast = bytes.withUnsafeBufferPointer { CampaignByteReader.read($0, file: Self.file, pieces: 1) }
            let tree = Result { () throws(InputError) in try CampaignLoader.parseTree(bytes: bytes, file: Self.file) }
            if let fast {
                let expected = try #require(try? tree.get(), "accepted what the tree reader rejects: \(String(decoding: bytes, as: UTF8.self))")
                #expect(Self.exactlyEqual(fast, expected), "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    // MARK: - Pieces

    @Test("cut into pieces at any boundaries, the result is the sequential one", arguments: [1, 2, 3, 7, 40])
    func pieces(count: Int) throws {
        for text in [Self.document(60), Self.document(60, separator: ",\n\t", wrapped: false), Self.document(60, separator: ",")] {
            let starts = try Self.boundaries(text)
            // Evenly spaced true boundaries.
            let split = (1..<count).map { starts[$0 * starts.count / count] }
            try Self.expectSame(text, splitAt: split)
            // The boundary search itself.
            try Self.expectSame(text, pieces: count)
        }
    }

    @Test("a cut that is not a top-level boundary costs time, never correctness")
    func wrongCuts() throws {
        let text = Self.document(30)
        let bytes = Array(text.utf8)
        let starts = try Self.boundaries(text)
        // Offsets of every '{' that is not a campaign's (nested objects, and braces inside strings).
        let braces = bytes.indices.filter { bytes[$0] == UInt8(ascii: "{") && !starts.contains($0) }
        #expect(braces.count > 60)
        for offset in braces { try Self.expectSame(text, splitAt: [offset]) }
        // Anywhere at all, mixed with true boundaries.
        var random = SplitMix(seed: 11)
        for _ in 0..<50 {
            let cuts = (0..<4).map { _ in Int(random.next() % UInt64(bytes.count)) } + [starts[Int(random.next() % UInt64(starts.count))]]
            try Self.expectSame(text, splitAt: cuts)
        }
    }

    @Test("a piece ends exactly where the next begins, and positions carry over across it")
    func pieceChain() throws {
        // One line with multi-byte characters before the cut: columns must count characters.
        let text = Self.document(20)
        let bytes = Array(text.utf8)
        let starts = try Self.boundaries(text)
        let expected = try Self.tree(text)
        try bytes.withUnsafeBufferPointer { buffer in
            let context = PieceContext(bytes: UncheckedBytes(buffer), file: Self.file, starts: [starts[0], starts[13]], arrayDepth: 2,
                                       rootIsObject: true, firstPosition: RelativePosition(lines: 1, column: starts[0] + 1))
            let first = try context.read(piece: 0)
            #expect(first.landed == 1)
            #expect(first.campaigns.count == 13)
            let second = try context.read(piece: 1)
            #expect(second.landed == nil)
            #expect(second.campaigns.count == 7)
            let at = first.base.advanced(by: first.end)
            #expect(CampaignData.SourceLocation(file: Self.file, line: at.lines, column: at.column) == expected[13].location)
        }
        try Self.expectSame(text, splitAt: [starts[13]])
    }

    @Test("nested objects that start like a campaign are no boundary")
    func lookalikes() throws {
        // Every campaign holds objects that start like one, after "}, ".
        let items = (0..<40).map { #"{"id": "c\#($0)", "status": "sent", "children": [{"id": "x"}, {"id": "y", "z": [{"id": "w"}]}]}"# }
        let text = "[" + items.joined(separator: ", ") + "]"
        for count in [2, 5, 9] { try Self.expectSame(text, pieces: count) }
        let bytes = Array(text.utf8)
        let starts = try Self.boundaries(text)
        let lookalikes = bytes.withUnsafeBufferPointer { buffer -> [Int] in
            guard let signature = CampaignByteReader.firstMemberSignature(buffer, at: 1) else { return [] }
            var found: [Int] = []
            var from = 2
            while let at = CampaignByteReader.elementBoundary(buffer, signature: signature, from: from, to: buffer.count) {
                if !starts.contains(at) { found.append(at) }
                from = at + 1
            }
            return found
        }
        #expect(lookalikes.count == 40)
        for offset in lookalikes { try Self.expectSame(text, splitAt: [offset]) }
    }

    @Test("errors in a later piece name the file, line and column of the sequential read", arguments: [
        (#"{"id": "bad", "status": "later"}"#, "\"later\"", "status is \"later\"; expected one of draft, scheduled, sending, sent"),
        (#"{"id": "bad", "status": "sent", "counts": {"sent": 1.5}}"#, "1.5", "counts.sent is 1.5; expected a whole number ≥ 0"),
        (#"{"id": "bad", "status": "sent", oops}"#, "oops", "invalid JSON: unexpected \"o\"; expected a member name in double quotes"),
        (#"{"id": "c3", "status": "sent"}"#, "\"c3\"", "duplicate campaign id \"c3\"; first defined at line 5; expected each id once"),
    ])
    func errorsLater(campaign: String, marker: String, message: String) throws {
        // One campaign a line from line 2 (names that look like boundaries); the bad one on line 251.
        var lines = (0..<400).map { #"  {"id": "c\#($0)", "status": "draft", "name": "}, {\"id\": \"\#($0)\"}"}"# }
        lines[249] = "  " + campaign
        let text = "{\"campaigns\": [\n" + lines.joined(separator: ",\n") + "\n]}\n"
        let column = try #require(Self.offset(of: marker, in: campaign)) + 3
        for pieces in [2, 3] { #expect(Self.fast(text, pieces: pieces) == nil) }
        let cuts = [100, 200, 300].map { k in text.utf8.count * k / 400 }
        #expect(Self.fast(text, splitAt: cuts) == nil)
        do {
            _ = try CampaignLoader.parse(bytes: Array(text.utf8), file: Self.file)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(Self.file):251:\(column): \(message)")
        }
    }

    @Test("pieces run side by side give results in order")
    func parallelMapInOrder() {
        #expect(parallelMap(5, grain: 1) { $0 * $0 } == [0, 1, 4, 9, 16])
        #expect(parallelMap(100) { $0 } == Array(0..<100))
        #expect(parallelMap(0, grain: 1) { $0 } == [])
    }
}

/// A small deterministic random number generator (SplitMix64), so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The digest of a campaign object's text, as the loaders compute it.
private func digest(_ text: String) -> UInt64 {
    Array(text.utf8).withUnsafeBufferPointer { sourceDigest($0) }
}
