import Testing
@testable import CampaignData

/// Every threshold at its boundary: just below, at, just above (defaults from docs/INSIGHTS.md).
@Suite("Insight thresholds at their boundaries")
struct InsightThresholdTests {
    // MARK: - high-unsubscribe-rate: > 0.5% warning, > 1% critical (of 10,000 delivered)

    @Test("high-unsubscribe-rate", arguments: [
        (49, nil), (50, nil), (51, InsightSeverity.warning),
        (99, .warning), (100, .warning), (101, .critical),
    ] as [(Int, InsightSeverity?)])
    func unsubscribe(unsubscribed: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.unsubscribed = unsubscribed
        #expect(severity("high-unsubscribe-rate", insightInput(counts: counts)) == expected)
    }

    @Test("the unsubscribe insight quotes the rate, the counts, the threshold and its source")
    func unsubscribeWording() throws {
        var counts = healthyCounts(sent: 5_000)
        counts.unsubscribed = 41
        let found = try #require(insight("high-unsubscribe-rate", in: insights(insightInput(counts: counts))))
        #expect(found.kind == .anomaly)
        #expect(found.title == "Unsubscribe rate above 0.5%")
        #expect(found.detail == "0.82% of delivered recipients unsubscribed (41 of 5,000), above the 0.5% level at which content or audience targeting needs attention (seed product guidance).")
        #expect(found.evidence == [
            "Unsubscribe rate: 0.82% (41 ÷ 5,000 delivered)",
            "Threshold: > 0.5% warning (seed product guidance), > 1% critical (Funnelmark default, twice the seed level)",
        ])
        #expect(found.source?.contains("Seed product") == true)
    }

    // MARK: - spam-complaints: ≥ 0.1% warning, ≥ 0.3% critical

    @Test("spam-complaints", arguments: [
        (9, nil), (10, InsightSeverity.warning), (11, .warning),
        (29, .warning), (30, .critical), (31, .critical),
    ] as [(Int, InsightSeverity?)])
    func complaints(complaints: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.complaints = complaints
        #expect(severity("spam-complaints", insightInput(counts: counts)) == expected)
    }

    @Test("the complaint insight cites Gmail with an https link")
    func complaintSource() throws {
        var counts = healthyCounts(sent: 5_000)
        counts.complaints = 6
        let found = try #require(insight("spam-complaints", in: insights(insightInput(counts: counts))))
        #expect(found.title == "Spam complaints at or above 0.1%")
        #expect(found.evidence.first == "Complaint rate: 0.12% (6 ÷ 5,000 delivered)")
        #expect(found.evidence.contains("Threshold: ≥ 0.1% warning (Gmail email sender guidelines), ≥ 0.3% critical (Gmail email sender guidelines)"))
        #expect(found.sourceURL?.hasPrefix("https://") == true)
        #expect(found.source?.contains("Gmail") == true)
    }

    // MARK: - high-bounce-rate: > 2% warning, > 5% critical (of 10,000 sent)

    @Test("high-bounce-rate", arguments: [
        (199, nil), (200, nil), (201, InsightSeverity.warning),
        (499, .warning), (500, .warning), (501, .critical),
    ] as [(Int, InsightSeverity?)])
    func bounce(bounced: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.bounced = bounced
        counts.softBounced = bounced
        counts.delivered = 10_000 - bounced
        #expect(severity("high-bounce-rate", insightInput(counts: counts)) == expected)
    }

    // MARK: - low-delivery-rate: < 95%

    @Test("low-delivery-rate", arguments: [
        (9_501, nil), (9_500, nil), (9_499, InsightSeverity.warning),
    ] as [(Int, InsightSeverity?)])
    func delivery(delivered: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.delivered = delivered
        #expect(severity("low-delivery-rate", insightInput(counts: counts)) == expected)
    }

    // MARK: - hard-bounces: > 0.5% notice, > 2% warning (of 10,000 sent)

    @Test("hard-bounces", arguments: [
        (49, nil), (50, nil), (51, InsightSeverity.notice),
        (199, .notice), (200, .notice), (201, .warning),
    ] as [(Int, InsightSeverity?)])
    func hardBounces(hard: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.bounced = hard + 10
        counts.hardBounced = hard
        counts.softBounced = 10
        counts.delivered = 10_000 - counts.bounced
        #expect(severity("hard-bounces", insightInput(counts: counts)) == expected)
        if expected != nil {
            #expect(insight("hard-bounces", in: insights(insightInput(counts: counts)))?.kind == .recommendation)
        }
    }

    // MARK: - audience-not-fully-sent: > 0% info, > 10% notice (audience 10,000)

    @Test("audience-not-fully-sent", arguments: [
        (10_000, nil), (9_999, InsightSeverity.info),
        (9_001, .info), (9_000, .info), (8_999, .notice),
    ] as [(Int, InsightSeverity?)])
    func audience(sent: Int, expected: InsightSeverity?) {
        #expect(severity("audience-not-fully-sent", insightInput(audience: 10_000, counts: healthyCounts(sent: sent))) == expected)
    }

    @Test("audience-not-fully-sent needs an audience size and a finished send")
    func audienceNeedsSize() {
        #expect(severity("audience-not-fully-sent", insightInput(audience: nil, counts: healthyCounts(sent: 5_000))) == nil)
        #expect(severity("audience-not-fully-sent", insightInput(status: .sending, audience: 10_000, counts: healthyCounts(sent: 5_000))) == nil)
    }

    // MARK: - machine-opens: ≥ 30% of unique opens automated

    @Test("machine-opens", arguments: [
        (701, nil), (700, InsightSeverity.notice), (699, .notice),
    ] as [(Int, InsightSeverity?)])
    func machineOpens(human: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.uniqueOpens = 1_000
        counts.humanUniqueOpens = human
        #expect(severity("machine-opens", insightInput(counts: counts)) == expected)
    }

    // MARK: - clicks-without-opens: ≥ 10% of clickers

    @Test("clicks-without-opens", arguments: [
        (99, nil), (100, InsightSeverity.notice), (101, .notice),
    ] as [(Int, InsightSeverity?)])
    func clicksWithoutOpens(without: Int, expected: InsightSeverity?) {
        var counts = healthyCounts()
        counts.uniqueClicks = 1_000
        counts.totalClicks = 1_200
        #expect(severity("clicks-without-opens", insightInput(counts: counts, clickersWithoutOpen: without)) == expected)
    }

    // MARK: - link-concentration: ≥ 60% of per-link unique clicks, at least 20 clicks

    @Test("link-concentration share", arguments: [
        (59, nil), (60, InsightSeverity.info), (61, .info),
    ] as [(Int, InsightSeverity?)])
    func linkShare(top: Int, expected: InsightSeverity?) {
        let links = [LinkStat(url: "https://example.com/a", clicks: top, uniqueClicks: top),
                     LinkStat(url: "https://example.com/b", clicks: 100 - top, uniqueClicks: 100 - top)]
        #expect(severity("link-concentration", insightInput(counts: healthyCounts(), links: links)) == expected)
    }

    @Test("link-concentration minimum clicks", arguments: [
        (19, nil), (20, InsightSeverity.info), (21, .info),
    ] as [(Int, InsightSeverity?)])
    func linkMinimum(total: Int, expected: InsightSeverity?) {
        let links = [LinkStat(url: "https://example.com/a", clicks: total - 1, uniqueClicks: total - 1),
                     LinkStat(url: "https://example.com/b", clicks: 1, uniqueClicks: 1)]
        #expect(severity("link-concentration", insightInput(counts: healthyCounts(), links: links)) == expected)
    }

    // MARK: - benchmarks: within ±10% of the benchmark is in line (all industries: 21.33% open, 2.62% click)

    @Test("open-rate-vs-benchmark: lower edge at 90% of 21.33% = 19.197%", arguments: [
        (19_196, InsightSeverity.notice, "below"), (19_197, .info, "in line with"), (19_198, .info, "in line with"),
    ])
    func openBenchmarkLow(opens: Int, expected: InsightSeverity, words: String) throws {
        var counts = healthyCounts(sent: 100_000)
        counts.uniqueOpens = opens
        counts.humanUniqueOpens = opens
        let found = try #require(insight("open-rate-vs-benchmark", in: insights(insightInput(counts: counts))))
        #expect(found.severity == expected)
        #expect(found.title == "Open rate \(words) the all-industries average")
    }

    @Test("open-rate-vs-benchmark: upper edge at 110% of 21.33% = 23.463%", arguments: [
        (23_462, "in line with"), (23_463, "in line with"), (23_464, "above"),
    ])
    func openBenchmarkHigh(opens: Int, words: String) throws {
        var counts = healthyCounts(sent: 100_000)
        counts.uniqueOpens = opens
        counts.humanUniqueOpens = opens
        let found = try #require(insight("open-rate-vs-benchmark", in: insights(insightInput(counts: counts))))
        #expect(found.severity == .info)
        #expect(found.title.contains(words))
    }

    @Test("click-rate-vs-benchmark against E-Commerce 2.01%: lower edge 1.809%", arguments: [
        (1_808, InsightSeverity.notice), (1_809, .info), (1_810, .info),
    ])
    func clickBenchmark(clicks: Int, expected: InsightSeverity) throws {
        var counts = healthyCounts(sent: 100_000)
        counts.uniqueClicks = clicks
        counts.totalClicks = clicks
        var config = InsightConfig.default
        config.benchmarkIndustry = "e-commerce"
        let found = try #require(insight("click-rate-vs-benchmark", in: insights(insightInput(counts: counts), config: config)))
        #expect(found.severity == expected)
        #expect(found.detail.contains("2.01%"))
        #expect(found.detail.contains("October 2019"))
    }

    @Test("a configured threshold replaces the default and says so")
    func configuredThreshold() throws {
        var config = InsightConfig.default
        config.set(0.2, rule: "high-unsubscribe-rate", threshold: "warning_above_percent")
        var counts = healthyCounts()
        counts.unsubscribed = 21
        let found = try #require(insight("high-unsubscribe-rate", in: insights(insightInput(counts: counts), config: config)))
        #expect(found.title == "Unsubscribe rate above 0.2%")
        #expect(found.evidence.last?.contains("> 0.2% warning (set in the insights config; default 0.5%, seed product guidance)") == true)
        counts.unsubscribed = 20
        #expect(severity("high-unsubscribe-rate", insightInput(counts: counts), config: config) == nil)
    }

    @Test("a value that rounds to the threshold is printed with enough decimals to differ")
    func distinctFromThreshold() throws {
        var counts = healthyCounts(sent: 100_000)
        counts.unsubscribed = 501  // 0.501%
        let found = try #require(insight("high-unsubscribe-rate", in: insights(insightInput(counts: counts))))
        #expect(found.detail.hasPrefix("0.501% of delivered recipients"))
    }
}
