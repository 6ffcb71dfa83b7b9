import Testing
@testable import CampaignData

@Suite("Insight history: median and MAD detector")
struct InsightHistoryTests {
    // MARK: - The baseline itself

    @Test("median of odd and even series")
    func median() {
        #expect(HistoryBaseline.median([3, 1, 2]) == 2)
        #expect(HistoryBaseline.median([4, 1, 3, 2]) == 2.5)
        #expect(HistoryBaseline.median([5]) == 5)
    }

    @Test("no baseline below the minimum history size")
    func minimum() {
        #expect(HistoryBaseline(values: [0.1, 0.2], minimumCount: 3, relativeFloor: 0, absoluteFloor: 0.001) == nil)
        #expect(HistoryBaseline(values: [], minimumCount: 1, relativeFloor: 0, absoluteFloor: 0.001) == nil)
        #expect(HistoryBaseline(values: [0.1, 0.2, 0.3], minimumCount: 3, relativeFloor: 0, absoluteFloor: 0.001) != nil)
    }

    @Test("MAD scale: median 0.5, MAD 0.125 → scale 1.4826 × 0.125")
    func madScale() throws {
        // Deviations from 0.5: 0.25, 0.125, 0, 0.125, 0.25 → MAD 0.125.
        let b = try #require(HistoryBaseline(values: [0.25, 0.375, 0.5, 0.625, 0.75], minimumCount: 3, relativeFloor: 0, absoluteFloor: 0))
        #expect(b.median == 0.5)
        #expect(b.medianAbsoluteDeviation == 0.125)
        #expect(b.scale == 1.4826 * 0.125)
        #expect(b.scaleSource == .deviation)
    }

    @Test("MAD 0 falls back to the relative floor, then the absolute floor")
    func madZero() throws {
        let relative = try #require(HistoryBaseline(values: [0.5, 0.5, 0.5], minimumCount: 3, relativeFloor: 0.25, absoluteFloor: 0.0625))
        #expect(relative.medianAbsoluteDeviation == 0)
        #expect(relative.scale == 0.125)
        #expect(relative.scaleSource == .relativeFloor)
        let absolute = try #require(HistoryBaseline(values: [0, 0, 0], minimumCount: 3, relativeFloor: 0.25, absoluteFloor: 0.0625))
        #expect(absolute.scale == 0.0625)
        #expect(absolute.scaleSource == .absoluteFloor)
    }

    @Test("unusual only beyond deviations × scale: median 0.5, scale 0.125, k = 2 → usual 0.25…0.75", arguments: [
        (0.24, true), (0.25, false), (0.26, false), (0.5, false), (0.74, false), (0.75, false), (0.76, true),
    ])
    func edges(value: Double, unusual: Bool) throws {
        let b = try #require(HistoryBaseline(values: [0.5, 0.5, 0.5], minimumCount: 3, relativeFloor: 0.25, absoluteFloor: 0))
        #expect(b.isUnusual(value, deviations: 2) == unusual)
    }

    @Test("one past outlier does not move the baseline")
    func robust() throws {
        let b = try #require(HistoryBaseline(values: [0.03, 0.031, 0.029, 0.5, 0.03], minimumCount: 3, relativeFloor: 0.1, absoluteFloor: 0.002))
        #expect(b.median == 0.03)
        #expect(b.isUnusual(0.01, deviations: 3))
        #expect(!b.isUnusual(0.031, deviations: 3))
    }

    // MARK: - Through the engine

    /// `rates` as sent campaigns one day apart, then `current` last; click rate = clicks per 10,000 delivered.
    func clickSeries(_ previous: [Int], current: Int, shuffled: Bool = false) -> [InsightInput] {
        var inputs: [InsightInput] = []
        for (i, clicks) in (previous + [current]).enumerated() {
            var counts = healthyCounts()
            counts.uniqueClicks = clicks
            counts.totalClicks = clicks
            inputs.append(insightInput("c\(i)", sentAt: Double(1_000_000 + i * 86_400), counts: counts))
        }
        return shuffled ? inputs.reversed() : inputs
    }

    @Test("click rate 1.0%, well under the usual 3.0%")
    func clickWellUnder() throws {
        let inputs = clickSeries([290, 300, 310, 300, 320], current: 100)
        let result = InsightEngine.insights(for: inputs, config: .default)
        let found = try #require(insight("unusual-click-rate", in: result[5]))
        #expect(found.kind == .anomaly)
        #expect(found.severity == .warning)
        #expect(found.title == "Click rate unusually low")
        #expect(found.detail.hasPrefix("Click rate 1.0%, well under this account's usual 3.0% (the median of its previous 5 sent campaigns)."))
        #expect(found.evidence.contains("History (previous 5 sent campaigns, oldest first): 2.9%, 3.0%, 3.1%, 3.0%, 3.2%"))
        // The earlier campaigns have no (or too little) history, and are usual.
        for list in result.dropLast() { #expect(insight("unusual-click-rate", in: list) == nil) }
    }

    @Test("order of input does not matter: history follows sent_at")
    func orderBySentAt() {
        let inputs = clickSeries([290, 300, 310, 300, 320], current: 100, shuffled: true)
        let result = InsightEngine.insights(for: inputs, config: .default)
        #expect(insight("unusual-click-rate", in: result[0]) != nil)  // the latest, now first in input
        for list in result.dropFirst() { #expect(insight("unusual-click-rate", in: list) == nil) }
    }

    @Test("a high click rate is unusual good news (info)")
    func goodNews() throws {
        let result = InsightEngine.insights(for: clickSeries([290, 300, 310], current: 600), config: .default)
        let found = try #require(insight("unusual-click-rate", in: result[3]))
        #expect(found.severity == .info)
        #expect(found.title == "Click rate unusually high")
    }

    @Test("no history, no history insight; fewer than the minimum, none either")
    func minimumHistory() {
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: clickSeries([], current: 100), config: .default)[0]) == nil)
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: clickSeries([300, 300], current: 100), config: .default)[2]) == nil)
        var config = InsightConfig.default
        config.minimumHistory = 2
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: clickSeries([300, 300], current: 100), config: config)[2]) != nil)
    }

    @Test("only the last `window` campaigns count")
    func window() {
        // Old campaigns at 1%, recent at 3%: with window 3, 1% now is unusual; with window 10 the median is 1%.
        let series = clickSeries([100, 100, 100, 100, 100, 300, 300, 300], current: 100)
        var narrow = InsightConfig.default
        narrow.historyWindow = 3
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: series, config: narrow)[8]) != nil)
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: series, config: .default)[8]) == nil)
    }

    @Test("steady history (MAD 0): the floor keeps small wobbles usual", arguments: [
        // Median 3.0%, relative floor 10% → scale 0.3 points, k = 3 → usual 2.1%…3.9%.
        (211, false), (210, false), (209, true), (389, false), (390, false), (391, true),
    ])
    func steady(clicks: Int, unusual: Bool) {
        let result = InsightEngine.insights(for: clickSeries([300, 300, 300, 300], current: clicks), config: .default)
        #expect((insight("unusual-click-rate", in: result[4]) != nil) == unusual)
    }

    @Test("complaints with a zero history: the absolute floor (0.02 points × 3) sets the edge at 0.06%", arguments: [
        (5, false), (6, false), (7, true),
    ])
    func zeroHistory(complaints: Int, unusual: Bool) {
        var inputs: [InsightInput] = []
        for i in 0..<4 {
            var counts = healthyCounts()
            if i == 3 { counts.complaints = complaints }
            inputs.append(insightInput("c\(i)", sentAt: Double(i * 86_400), counts: counts))
        }
        let result = InsightEngine.insights(for: inputs, config: .default)
        #expect((insight("unusual-complaint-rate", in: result[3]) != nil) == unusual)
    }

    @Test("every history rule has its id and wording", arguments: [
        ("unusual-open-rate", "Open rate unusually low"),
        ("unusual-bounce-rate", "Bounce rate unusually high"),
        ("unusual-unsubscribe-rate", "Unsubscribe rate unusually high"),
        ("unusual-complaint-rate", "Complaint rate unusually high"),
    ])
    func everyMetric(id: String, title: String) throws {
        var inputs: [InsightInput] = []
        for i in 0..<5 {
            var counts = healthyCounts()
            counts.unsubscribed = 20
            counts.complaints = 1
            counts.bounced = 100
            counts.softBounced = 100
            counts.delivered = 9_900
            if i == 4 {
                counts.uniqueOpens = 500
                counts.humanUniqueOpens = 500
                counts.unsubscribed = 90
                counts.complaints = 9
                counts.bounced = 400
                counts.softBounced = 400
                counts.delivered = 9_600
            }
            inputs.append(insightInput("c\(i)", sentAt: Double(i * 86_400), counts: counts))
        }
        let found = try #require(insight(id, in: InsightEngine.insights(for: inputs, config: .default)[4]))
        #expect(found.title == title)
        #expect(found.severity == .warning)
    }

    @Test("sending, draft and undated campaigns are neither judged against history nor part of it")
    func onlySent() {
        var inputs = clickSeries([300, 300, 300], current: 100)
        inputs[3].campaign.status = .sending
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: inputs, config: .default)[3]) == nil)
        // A sending campaign in between does not count as history.
        var withSending = clickSeries([300, 300, 100, 300], current: 100)
        withSending[1].campaign.status = .sending
        withSending[3].campaign.status = .sending
        // History of the last: 300, 100 (two sent) < minimum 3.
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: withSending, config: .default)[4]) == nil)
        var undated = clickSeries([300, 300, 300], current: 100)
        undated[3].campaign.sentAt = nil
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: undated, config: .default)[3]) == nil)
    }

    @Test("campaigns sent at the same instant are not each other's history")
    func sameInstant() {
        var inputs = clickSeries([300, 300, 300], current: 100)
        inputs[3].campaign.sentAt = inputs[2].campaign.sentAt
        // History of the last: the first two only (< minimum 3).
        #expect(insight("unusual-click-rate", in: InsightEngine.insights(for: inputs, config: .default)[3]) == nil)
    }
}
