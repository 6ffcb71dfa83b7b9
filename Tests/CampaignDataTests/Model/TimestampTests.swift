import Testing
@testable import CampaignData

@Suite("timestamps")
struct TimestampTests {
    @Test("RFC 3339 and epoch forms", arguments: [
        ("1970-01-01T00:00:00Z", 0.0, 0),
        ("2026-06-01T09:00:00Z", 1_780_304_400.0, 0),
        ("2026-06-01T11:00:00+02:00", 1_780_304_400.0, 7200),
        ("2026-06-01T04:30:00-04:30", 1_780_304_400.0, -16200),
        ("2026-06-01T09:00:00.250Z", 1_780_304_400.25, 0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0, 0),
        ("1780304400", 1_780_304_400.0, 0),
        ("1780304400.5", 1_780_304_400.5, 0),
    ])
    func parses(text: String, seconds: Double, offset: Int) throws {
        let t = try #require(Timestamp(parsing: text))
        #expect(t.epochSeconds == seconds)
        #expect(t.utcOffsetSeconds == offset)
    }

    @Test("rejects malformed times", arguments: [
        "", "2026-06-01", "2026-06-01T09:00:00", "2026-13-01T09:00:00Z", "2026-02-30T09:00:00Z", "2023-02-29T00:00:00Z",
        "2026-06-01T24:00:00Z", "2026-06-01T09:00:00+2:00", "2026-06-01T09:00:00Zjunk", "12ab", "1.", "-5", "2026-06-01T09:00:00.Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp(parsing: text) == nil)
    }

    @Test("civil time and RFC 3339 text round-trip in the original offset")
    func roundTrip() throws {
        for text in ["2026-06-01T11:00:00+02:00", "1999-12-31T23:59:59Z", "2026-01-08T09:00:00-05:00"] {
            #expect(try #require(Timestamp(parsing: text)).rfc3339 == text)
        }
    }
}
