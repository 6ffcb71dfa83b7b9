import Testing
@testable import CampaignData

@Suite("Event timestamps")
struct EventTimestampTests {
    private func parse(_ text: String) -> Timestamp? {
        var cache = DateCache()
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            // Twice, the second time through the date cache.
            let first = EventTimestamp.parse(base, buffer.count, cache: &cache)
            let second = EventTimestamp.parse(base, buffer.count, cache: &cache)
            #expect(first == second && first?.utcOffsetSeconds == second?.utcOffsetSeconds, "cache changed \(text)")
            return first
        }
    }

    static let valid: [(String, Double, Int)] = [
        ("2026-06-01T09:00:00Z", 1_780_304_400, 0),
        ("2026-06-01T11:00:00+02:00", 1_780_304_400, 7200),
        ("2026-06-01T04:30:00-04:30", 1_780_304_400, -16200),
        ("2026-06-01T09:00:00.5Z", 1_780_304_400.5, 0),
        ("2026-06-01T09:00:00.125+00:00", 1_780_304_400.125, 0),
        ("2026-06-01t09:00:00z", 1_780_304_400, 0),
        ("2026-06-01 09:00:00Z", 1_780_304_400, 0),
        ("2028-02-29T00:00:00Z", 1_835_395_200, 0),
        ("1970-01-01T00:00:00Z", 0, 0),
        ("1780304400", 1_780_304_400, 0),
        ("1780304400.25", 1_780_304_400.25, 0),
        ("0", 0, 0),
    ]

    @Test("valid: RFC 3339 with Z or an offset and optional fraction; epoch seconds", arguments: valid)
    func validTimestamps(_ text: String, _ seconds: Double, _ offset: Int) throws {
        let t = try #require(parse(text))
        #expect(t.epochSeconds == seconds)
        #expect(t.utcOffsetSeconds == offset)
    }

    @Test("invalid timestamps are rejected", arguments: [
        "", "abc", "2026-13-01T09:00:00Z", "2026-02-29T09:00:00Z", "2026-06-31T09:00:00Z", "2026-06-01T24:00:00Z",
        "2026-06-01T09:60:00Z", "2026-06-01T09:00:61Z", "2026-06-01T09:00:00", "2026-06-01", "2026-06-01T09:00:00+0200",
        "2026-06-01T09:00:00+24:00", "2026-06-01T09:00:00.Z", "2026-06-01X09:00:00Z", "2026-6-01T09:00:00Z",
        "1780304400.", "1.78e9", "+1780304400", "17803O4400", " 1780304400", "2026-06-01T09:00:00Z ",
    ])
    func invalidTimestamps(_ text: String) {
        #expect(parse(text) == nil)
    }
}
