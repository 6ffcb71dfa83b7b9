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

    @Test("the source digest changes with any byte, any length and any position of a byte")
    func sourceDigestSeesEveryByte() {
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        func digest(_ b: [UInt8]) -> UInt64 { b.withUnsafeBufferPointer { sourceDigest($0) } }
        // Every prefix (lengths 0 to 300, across the 8-byte steps and the tail) differs.
        let prefixes = (0...bytes.count).map { digest(Array(bytes[..<$0])) }
        #expect(Set(prefixes).count == prefixes.count)
        // Flipping any bit of any byte changes the digest; so does swapping two adjacent bytes.
        let whole = digest(bytes)
        for i in 0..<40 {
            for bit in 0..<8 {
                var changed = bytes
                changed[i] ^= 1 << bit
                #expect(digest(changed) != whole)
            }
            var swapped = bytes
            swapped.swapAt(i, i + 1)
            if swapped != bytes { #expect(digest(swapped) != whole) }
        }
        // Trailing zero bytes count (the length is mixed in).
        #expect(digest([1, 2, 3]) != digest([1, 2, 3, 0]))
        // A slice digests as its own bytes.
        #expect(bytes.withUnsafeBufferPointer { sourceDigest(UnsafeBufferPointer(rebasing: $0[10..<50])) } == digest(Array(bytes[10..<50])))
    }
}
