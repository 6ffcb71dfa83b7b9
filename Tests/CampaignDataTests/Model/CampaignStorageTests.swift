import Testing
@testable import CampaignData

@Suite("campaign values and digests")
struct CampaignStorageTests {
    @Test("a campaign is a value: changing a copy leaves the original as it was")
    func copyOnWrite() {
        let original = Campaign(id: "a", name: "A", status: .sent, tags: ["x"], counts: Counts(sent: 5))
        var copy = original
        #expect(copy == original)
        copy.name = "B"
        copy.tags.append("y")
        copy.counts?.sent = 6
        copy.sourceDigest = 42
        #expect(original.name == "A" && original.tags == ["x"] && original.counts?.sent == 5 && original.sourceDigest == nil)
        #expect(copy.name == "B" && copy.tags == ["x", "y"] && copy.counts?.sent == 6 && copy.sourceDigest == 42)
        #expect(copy != original)
        var same = original
        same.name = "A"
        #expect(same == original)
    }

    @Test("equal campaigns compare equal field by field, whatever their storage")
    func equality() {
        let a = Campaign(id: "a", status: .draft, location: SourceLocation(file: "f", line: 1, column: 2))
        var b = Campaign(id: "a", status: .draft)
        #expect(a != b)
        b.location = SourceLocation(file: "f", line: 1, column: 2)
        #expect(a == b)
        b.status = .sent
        #expect(a != b)
    }

    @Test("digests of many ranges at once are each range's FNV-1a")
    func digestsOfRanges() {
        let bytes = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        // Lengths from 0 up, so groups of four have unequal lengths; a count not a multiple of four.
        var ranges: [Range<Int>] = []
        var start = 0
        for length in [0, 1, 7, 8, 9, 3, 30, 31, 2, 64, 0, 5, 17, 100, 1] {
            ranges.append(start..<(start + length))
            start += length / 2
        }
        let digests = bytes.withUnsafeBufferPointer { fnv1a($0, ranges: ranges) }
        #expect(digests == ranges.map { fnv1a(Array(bytes[$0])) })
        #expect(bytes.withUnsafeBufferPointer { fnv1a($0, ranges: []) } == [])
        #expect(fnv1a([UInt8]()) == 0xcbf2_9ce4_8422_2325)
    }
}
