import Testing
@testable import CampaignData

@Suite("Event tables")
struct EventTablesTests {
    @Test("median by selection equals the median of the sorted values")
    func median() {
        var rng = EventTestRandom(seed: 11)
        #expect({ var empty: [Double] = []; return EventTallyMerge.median(&empty) }() == nil)
        for count in [1, 2, 3, 4, 5, 10, 101, 1000, 1001] {
            for _ in 0..<20 {
                // Few distinct values, so duplicates are common.
                let values = (0..<count).map { _ in Double(Int.random(in: -20...20, using: &rng)) / 4 }
                let sorted = values.sorted()
                let expected = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
                var work = values
                #expect(EventTallyMerge.median(&work) == expected, "\(values)")
            }
        }
    }

    @Test("the recipient table finds every key exactly, across growth, with keys that share prefixes and hashes' high bits")
    func recipientTable() {
        var table = RecipientTable(log2Capacity: 4)
        defer { table.release() }
        var expected: [String: Int] = [:]
        for i in 0..<20_000 {
            var key = "user\(i % 7_000)@example.com" + String(repeating: "x", count: i % 40)
            let campaign = UInt32(i % 3)
            let index = key.withUTF8 { p in
                table.findOrInsert(campaign: campaign, p.baseAddress!, p.count, hash: RecipientTable.hash(campaign: campaign, p.baseAddress!, p.count))
            }
            let name = "\(campaign)/\(key)"
            if let previous = expected[name] { #expect(previous == index) } else { expected[name] = index }
        }
        #expect(table.count == expected.count)
    }

    @Test("interning: equal bytes with another seed are another key")
    func byteKeyIndex() {
        var index = ByteKeyIndex()
        defer { index.release() }
        var ids: [Int] = []
        for seed in 0..<3 as Range<UInt32> {
            for i in 0..<500 {
                var key = "https://example.com/\(i)"
                ids.append(key.withUTF8 { index.intern($0.baseAddress!, $0.count, seed: seed) })
            }
        }
        #expect(Set(ids).count == 1500)
        #expect(index.key(ids[501]) == "https://example.com/1")
        var probe = "https://example.com/1"
        #expect(probe.withUTF8 { index.find($0.baseAddress!, $0.count, seed: 1) } == ids[501])
        #expect(probe.withUTF8 { index.find($0.baseAddress!, $0.count, seed: 7) } == nil)
    }
}
