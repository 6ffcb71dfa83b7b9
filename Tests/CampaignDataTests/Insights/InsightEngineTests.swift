import Testing
@testable import CampaignData

@Suite("Insight engine")
struct InsightEngineTests {
    // MARK: - What the data can support

    @Test("draft and scheduled campaigns get only an info summary of what is configured", arguments: [CampaignStatus.draft, .scheduled])
    func configuredOnly(status: CampaignStatus) throws {
        var input = insightInput(status: status, audience: 12_000, audienceName: "Newsletter", counts: nil,
                                 utm: UTMParameters(source: "newsletter", medium: "email"))
        input.campaign.subject = "Spring sale"
        input.campaign.scheduledAt = Timestamp(parsing: "2026-06-01T09:00:00+02:00")
        let list = insights(input)
        #expect(list.count == 1)
        let summary = try #require(list.first)
        #expect(summary.id == "summary")
        #expect(summary.kind == .summary)
        #expect(summary.severity == .info)
        #expect(summary.detail.contains("It targets “Newsletter” (12,000 contacts)."))
        #expect(summary.detail.contains("Subject: “Spring sale”."))
        #expect(summary.detail.contains("utm_source=newsletter and utm_medium=email"))
        if status == .scheduled {
            #expect(summary.title == "Scheduled for 2026-06-01T09:00:00+02:00")
        } else {
            #expect(summary.title == "Draft: not sent yet")
        }
    }

    @Test("a draft with alarming pre-filled counts still gets only the summary")
    func draftWithCounts() {
        var counts = healthyCounts()
        counts.complaints = 500
        #expect(insights(insightInput(status: .draft, counts: counts)).map(\.id) == ["summary"])
    }

    @Test("no open or click insights when nothing was delivered")
    func nothingDelivered() throws {
        let counts = Counts(sent: 500, delivered: 0, bounced: 500, hardBounced: 500, softBounced: 0)
        let list = insights(insightInput(counts: counts))
        for id in ["open-rate-vs-benchmark", "click-rate-vs-benchmark", "machine-opens", "high-unsubscribe-rate", "spam-complaints", "unusual-open-rate"] {
            #expect(insight(id, in: list) == nil, "\(id)")
        }
        let summary = try #require(insight("summary", in: list))
        #expect(summary.title == "Sent: nothing delivered")
        #expect(summary.detail.contains("no open or click rates"))
        #expect(insight("high-bounce-rate", in: list)?.severity == .critical)
    }

    @Test("no machine-opens insight when human opens are unknown")
    func unknownHumanOpens() {
        var counts = healthyCounts()
        counts.uniqueOpens = 1_000
        counts.humanUniqueOpens = nil
        #expect(severity("machine-opens", insightInput(counts: counts)) == nil)
        counts.humanUniqueOpens = 100
        #expect(severity("machine-opens", insightInput(counts: counts)) == .notice)
    }

    @Test("no clicks-without-opens insight when the number is unknown")
    func unknownClickersWithoutOpen() {
        #expect(severity("clicks-without-opens", insightInput(counts: healthyCounts(), clickersWithoutOpen: nil)) == nil)
    }

    @Test("a sent campaign with no figures says so and claims nothing else")
    func noFigures() throws {
        let list = insights(insightInput(audience: 1_000, counts: nil))
        #expect(list.map(\.id) == ["summary"])
        #expect(list[0].title == "Sent: no figures in the data")
    }

    @Test("sending campaigns get partial-data, and rate rules word their findings as so far")
    func sending() throws {
        var counts = healthyCounts(sent: 5_000)
        counts.unsubscribed = 41
        let list = insights(insightInput(status: .sending, audience: 10_000, counts: counts))
        let partial = try #require(insight("partial-data", in: list))
        #expect(partial.kind == .summary)
        #expect(partial.detail.contains("5,000 of the 10,000 contacts targeted (50.0%) have been sent to so far"))
        let unsubscribe = try #require(insight("high-unsubscribe-rate", in: list))
        #expect(unsubscribe.title == "Unsubscribe rate above 0.5% so far")
        #expect(unsubscribe.detail.hasPrefix("So far, 0.82% of delivered recipients have unsubscribed (41 of 5,000)"))
        let summary = try #require(insight("summary", in: list))
        #expect(summary.detail.hasPrefix("Still sending: so far 5,000 of the 10,000 contacts targeted have been sent to and 5,000 emails delivered (100% of those sent)."))
        #expect(insight("audience-not-fully-sent", in: list) == nil)
        #expect(insight("partial-data", in: insights(insightInput(counts: counts))) == nil)
    }

    // MARK: - The summary paragraph

    @Test("the summary reads like an analyst's paragraph")
    func summaryParagraph() throws {
        var previous: [InsightInput] = []
        for i in 0..<4 {
            var counts = healthyCounts(sent: 5_000)
            counts.uniqueClicks = 150
            counts.totalClicks = 150
            previous.append(insightInput("p\(i)", sentAt: Double(i * 86_400), counts: counts))
        }
        var counts = Counts(sent: 5_000, delivered: 4_900, bounced: 100, hardBounced: 20, softBounced: 80,
                            uniqueOpens: 1_049, totalOpens: 1_400, humanUniqueOpens: 1_049,
                            uniqueClicks: 49, totalClicks: 60, unsubscribed: 41, complaints: 0)
        counts.dropped = 0
        var current = insightInput("now", audienceName: "Customers", sentAt: 1_780_304_400, counts: counts)
        current.campaign.sentAt = Timestamp(parsing: "2026-06-01T09:00:00Z")
        let list = InsightEngine.insights(for: previous + [current], config: .default)[4]
        let summary = try #require(insight("summary", in: list))
        #expect(summary.title == "Sent: 98.0% delivered, 21.4% opened, 1.0% clicked")
        #expect(summary.detail == """
            Sent on 2026-06-01 to “Customers”: 4,900 of 5,000 emails were delivered (98.0%). \
            21.4% of delivered recipients opened and 1.0% clicked, 4.7% of those who opened. \
            Opens are in line with the Mailchimp average across all industries of 21.33% and clicks are below its 2.62% \
            (data as of October 2019, before Apple Mail Privacy Protection inflated opens). \
            Against this account's previous 4 sent campaigns, opens are in line with its usual 20.0% and clicks are well under its usual 3.0%. \
            The main problem: unsubscribe rate above 0.5% (and 3 more warnings below).
            """)
        #expect(summary.source == IndustryBenchmark.citation)
        #expect(summary.sourceURL == IndustryBenchmark.sourceURL)
    }

    @Test("a clean campaign's summary says no problems stand out")
    func cleanSummary() throws {
        var counts = healthyCounts()
        counts.uniqueClicks = 262
        counts.totalClicks = 262
        counts.uniqueOpens = 2_133
        counts.humanUniqueOpens = 2_133
        let summary = try #require(insight("summary", in: insights(insightInput(counts: counts))))
        #expect(summary.detail.hasSuffix("No problems stand out."))
    }

    // MARK: - Order and grouping

    @Test("each list is sorted: kind (the summary paragraph first), then severity, then rule table order")
    func sorted() {
        var counts = healthyCounts()
        counts.unsubscribed = 200  // critical
        counts.complaints = 12  // warning
        counts.uniqueOpens = 1_000
        counts.humanUniqueOpens = 100  // machine-opens notice
        let links = [LinkStat(url: "https://example.com/a", clicks: 100, uniqueClicks: 100)]
        let list = insights(insightInput(audience: 10_500, counts: counts, links: links))
        #expect(list.map(\.id) == [
            "summary",  // the analyst's paragraph leads the summaries
            "open-rate-vs-benchmark",  // summary, notice (human opens far below)
            "click-rate-vs-benchmark", "largest-drop-off",  // summary, info, table order
            "high-unsubscribe-rate",  // anomaly, critical
            "spam-complaints",  // anomaly, warning
            "audience-not-fully-sent",  // anomaly, info
            "machine-opens", "missing-utm",  // recommendations, notice, table order
        ])
        let groups = InsightEngine.groupedByKind(list)
        #expect(groups.map(\.kind) == [.summary, .anomaly, .recommendation])
        #expect(groups.map(\.insights.count) == [4, 3, 2])
        #expect(InsightEngine.highestSeverity(list) == .critical)
    }

    @Test("sorting is stable and puts unknown rule ids last")
    func sortUnknown() {
        let a = Insight(id: "zzz-custom", kind: .anomaly, severity: .warning, title: "a", detail: "")
        let b = Insight(id: "spam-complaints", kind: .anomaly, severity: .warning, title: "b", detail: "")
        let c = Insight(id: "summary", kind: .summary, severity: .info, title: "c", detail: "")
        #expect(InsightEngine.sortedForDisplay([a, b, c]).map(\.title) == ["c", "b", "a"])
        #expect(InsightEngine.groupedByKind([]).isEmpty)
    }

    @Test("severity order: critical is the most severe")
    func severityOrder() {
        #expect(InsightSeverity.allCases.sorted() == [.info, .notice, .warning, .critical])
        #expect(InsightSeverity.critical > .warning)
        #expect(InsightKind.allCases.map(\.label) == ["Summary", "Anomalies", "Recommendations"])
    }

    @Test("results follow input order")
    func inputOrder() {
        let inputs = [insightInput("a", status: .draft, counts: nil), insightInput("b", counts: healthyCounts())]
        let result = InsightEngine.insights(for: inputs, config: .default)
        #expect(result.count == 2)
        #expect(result[0].count == 1)
        #expect(result[1].count > 1)
    }

    // MARK: - Links

    @Test("missing-utm lists untagged web links and skips opt-out links", arguments: [
        ([String](), false),
        (["https://shop.example/?utm_source=n&utm_medium=email&utm_campaign=spring"], false),
        (["https://shop.example/sale"], true),
        (["https://shop.example/?utm_source=n&utm_medium=email"], true),
        (["mailto:help@example.com", "https://shop.example/unsubscribe?u=1"], false),
    ])
    func missingUTM(urls: [String], expected: Bool) {
        let links = urls.map { LinkStat(url: $0, clicks: 1, uniqueClicks: 1) }
        #expect((severity("missing-utm", insightInput(counts: healthyCounts(), links: links)) != nil) == expected)
    }

    @Test("campaign-level UTM settings count as tagging")
    func configuredUTM() {
        let links = [LinkStat(url: "https://shop.example/sale", clicks: 1, uniqueClicks: 1)]
        #expect(severity("missing-utm", insightInput(counts: healthyCounts(), links: links, utm: UTMParameters(source: "news"))) == nil)
    }

    @Test("the missing-utm insight recommends cross-checking in web analytics")
    func missingUTMWording() throws {
        let links = [LinkStat(url: "https://shop.example/sale", clicks: 3, uniqueClicks: 2),
                     LinkStat(url: "https://shop.example/?utm_source=n&utm_medium=email&utm_campaign=s#top", clicks: 1, uniqueClicks: 1)]
        let found = try #require(insight("missing-utm", in: insights(insightInput(counts: healthyCounts(), links: links))))
        #expect(found.kind == .recommendation)
        #expect(found.detail.hasPrefix("1 of the campaign's 2 links lacks complete UTM parameters (utm_source, utm_medium, utm_campaign)"))
        #expect(found.detail.contains("web analytics"))
        #expect(found.evidence.first == "Untagged: https://shop.example/sale (missing utm_source, utm_medium, utm_campaign)")
    }

    @Test("largest-drop-off names the step and its loss")
    func dropOff() throws {
        let found = try #require(insight("largest-drop-off", in: insights(insightInput(audience: 10_000, counts: healthyCounts()))))
        #expect(found.title == "Largest drop-off: Delivered → Opened")
        #expect(found.detail.hasPrefix("The funnel loses most between Delivered and Opened: 8,000 of 10,000 delivered recipients (80.0%) did not open."))
        #expect(found.evidence.first == "Funnel: Audience 10,000 → Sent 10,000 → Delivered 10,000 → Opened 2,000 → Clicked 250")
    }

    // MARK: - The rule table

    @Test("rule ids are unique kebab-case, and every rule states kind, severities and source")
    func table() {
        let ids = InsightRule.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        let required = ["high-unsubscribe-rate", "spam-complaints", "high-bounce-rate", "hard-bounces", "low-delivery-rate",
                        "open-rate-vs-benchmark", "click-rate-vs-benchmark", "machine-opens", "clicks-without-opens",
                        "link-concentration", "missing-utm", "audience-not-fully-sent", "partial-data", "largest-drop-off",
                        "summary", "unusual-open-rate", "unusual-click-rate", "unusual-bounce-rate",
                        "unusual-unsubscribe-rate", "unusual-complaint-rate"]
        #expect(Set(required).isSubset(of: Set(ids)))
        for rule in InsightRule.all {
            #expect(rule.id.allSatisfy { $0.isLowercase || $0 == "-" }, "\(rule.id)")
            #expect(!rule.severities.isEmpty, "\(rule.id)")
            #expect(rule.source != nil || rule.id == "summary", "\(rule.id)")
            if let url = rule.sourceURL { #expect(url.hasPrefix("https://"), "\(rule.id)") }
            for threshold in rule.thresholds {
                #expect(threshold.range.contains(threshold.defaultValue), "\(rule.id).\(threshold.name)")
                if let severity = threshold.severity { #expect(rule.severities.contains(severity), "\(rule.id).\(threshold.name)") }
            }
        }
    }

    @Test("benchmarks carry the source's date and caveat")
    func benchmarks() throws {
        let ecommerce = try #require(IndustryBenchmark.named("e-commerce"))
        #expect(ecommerce.openPercent == 15.68 && ecommerce.clickPercent == 2.01)
        #expect(IndustryBenchmark.dataAsOf == "October 2019")
        #expect(IndustryBenchmark.caveat.contains("Apple Mail Privacy Protection"))
        #expect(IndustryBenchmark.named(IndustryBenchmark.defaultID) != nil)
        #expect(Set(IndustryBenchmark.all.map(\.id)).count == IndustryBenchmark.all.count)
    }
}

@Suite("Insight figure text")
struct InsightFigureTextTests {
    @Test("counts with thousands separators", arguments: [
        (0, "0"), (999, "999"), (1_000, "1,000"), (5_000, "5,000"), (1_234_567, "1,234,567"), (-12_345, "-12,345"),
    ])
    func count(value: Int, text: String) {
        #expect(FigureText.count(value) == text)
    }

    @Test("percentages: 2 decimals under 1%, 1 decimal otherwise", arguments: [
        (0.0082, "0.82%"), (0.005, "0.50%"), (0.214, "21.4%"), (0.01, "1.0%"), (0.0, "0%"), (1.0, "100%"), (0.5, "50.0%"),
        (0.00002, "0.002%"),  // never rounds a non-zero value to 0
        (0.99996, "99.996%"),  // never rounds a value under 100% to 100%
        (0.09996, "10.0%"),
    ])
    func percent(value: Double, text: String) {
        #expect(FigureText.percent(value) == text)
    }

    @Test("a value is never printed as its threshold unless it equals it")
    func distinct() {
        #expect(FigureText.percent(0.005004, distinctFrom: 0.005) == "0.5004%")
        #expect(FigureText.percent(0.005, distinctFrom: 0.005) == "0.50%")
        #expect(FigureText.percent(0.0101, distinctFrom: 0.01) == "1.01%")
    }

    @Test("settings and fixed decimals")
    func settings() {
        #expect(FigureText.setting(percent: 0.5) == "0.5%")
        #expect(FigureText.setting(percent: 1) == "1%")
        #expect(FigureText.setting(percent: 95) == "95%")
        #expect(FigureText.fixed(2.9, decimals: 2) == "2.90")
        #expect(FigureText.fixed(-0.004, decimals: 2) == "0.00")
        #expect(FigureText.points(0.0045) == "0.45 points")
    }
}
