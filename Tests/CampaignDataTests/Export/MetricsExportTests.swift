import Testing
@testable import CampaignData

@Suite("metrics.json and CSV exports")
struct MetricsExportTests {
    static func report(_ id: String = "c1", counts: Counts? = MetricsTests.sample) -> CampaignReport {
        let campaign = Campaign(id: id, name: "Spring \"sale\"", status: .sent, audience: Audience(name: "All", size: 1200), counts: counts,
                                links: [LinkStat(url: "https://x.example/?a=1,2", clicks: 3, uniqueClicks: 2)])
        let metrics = CampaignMetrics.fromCounts(campaign)
        let insight = Insight(id: "high-bounce-rate", kind: .anomaly, severity: .warning, title: "T", detail: "D\nline", evidence: [], source: nil, sourceURL: nil)
        return CampaignReport(campaign: campaign, metrics: metrics, events: nil, insights: [insight])
    }

    @Test("the JSON has DESIGN.md's keys in order and exact values")
    func json() throws {
        let text = MetricsExport.json([Self.report()])
        let root = try JSONParser.parse(text)
        guard case let .array(list) = root["campaigns"]?.value, let c = list.first else { Issue.record("no campaigns"); return }
        guard case let .object(members) = c.value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["id", "name", "status", "audience", "audience_name", "counts", "rates", "funnel", "links", "insights"])
        #expect(c["name"]?.value == .string("Spring \"sale\""))
        #expect(c["audience"]?.value == .number(1200, text: "1200"))
        guard case let .object(counts) = c["counts"]?.value else { Issue.record("no counts"); return }
        #expect(counts.map(\.key) == Counts.fieldNames)
        if case let .number(v, _) = c["rates"]?["open"]?.value { #expect(v == 400.0 / 950) } else { Issue.record("open rate missing") }
        guard case let .array(stages) = c["funnel"]?.value else { Issue.record("no funnel"); return }
        #expect(stages.compactMap { if case let .string(s) = $0["stage"]?.value { s } else { nil } } == ["audience", "sent", "delivered", "opened", "clicked"])
        guard case let .array(insights) = c["insights"]?.value else { Issue.record("no insights"); return }
        #expect(insights.first?["detail"]?.value == .string("D\nline"))
    }

    @Test("undefined rates are null")
    func nullRates() throws {
        let text = MetricsExport.json([Self.report(counts: nil)])
        let root = try JSONParser.parse(text)
        guard case let .array(list) = root["campaigns"]?.value else { Issue.record("no campaigns"); return }
        #expect(list[0]["rates"]?["open"]?.value == .null)
        #expect(MetricsExport.json([]) == "{\"campaigns\": []}\n")
    }

    @Test("CSV quoting and formula protection", arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("-3", "-3"), ("+x", "'+x"), ("@sum", "'@sum"),
    ])
    func csvField(value: String, expected: String) {
        #expect(MetricsExport.csvField(value) == expected)
    }

    @Test("metrics.csv has a header and one row per campaign")
    func csv() {
        let lines = MetricsExport.csv([Self.report("a"), Self.report("b")]).split(separator: "\r\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("id,name,status,audience_name,audience,sent_at,sent,delivered,"))
        #expect(lines[1].hasPrefix("a,\"Spring \"\"sale\"\"\",sent,All,1200,,1000,950,"))
        #expect(lines[1].hasSuffix(",high-bounce-rate"))
    }
}
