import CampaignData
import Testing
@testable import ReportSite

@Suite("formatting for readers")
struct FormatTests {
    @Test("counts with thousands separators", arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (1_234_567, "1,234,567"), (-4200, "-4,200")])
    func counts(value: Int, text: String) {
        #expect(Format.count(value) == text)
    }

    @Test("percentages: one decimal from 1%, two below, a dash when undefined", arguments: [
        (0.2345, "23.5%"), (1.0, "100.0%"), (0.0082, "0.82%"), (0.005, "0.50%"), (0.00999, "1.00%"), (0.0, "0.0%"), (0.00004, "0.00%"),
        (0.12345, "12.3%"), (0.00125, "0.13%"),
    ])
    func percents(value: Double, text: String) {
        #expect(Format.percent(value) == text)
    }

    @Test("undefined rates show a dash")
    func undefined() {
        #expect(Format.percent(nil) == "—")
        #expect(Format.percent(.nan) == "—")
    }

    @Test("dates in the time's own offset")
    func dates() throws {
        #expect(Format.dateTime(try #require(Timestamp(parsing: "2026-01-08T09:00:00-05:00"))) == "8 Jan 2026, 09:00 UTC−05:00")
        #expect(Format.dateTime(try #require(Timestamp(parsing: "2026-06-10T09:00:00Z"))) == "10 Jun 2026, 09:00 UTC")
    }
}
