import Testing
@testable import CampaignData

/// The engine's shortcuts (history windows as slices, baselines on a scratch buffer, display order
/// by key, byte-level URL checks) against the plain computations they replace.
@Suite("insight engine against plain reference computations")
struct InsightEngineReferenceTests {
    /// Sent campaigns with varied rates (some undefined), ties in sent_at, and unsent ones between.
    static func inputs() -> [InsightInput] {
        var x: UInt64 = 7
        func next(_ n: Int) -> Int {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((x >> 33) % UInt64(n))
        }
        var inputs: [InsightInput] = []
        for i in 0..<160 {
            let delivered = [0, 1, 100, 10_000][next(4)]
            let sent = delivered + next(50)
            let opens = delivered == 0 ? 0 : next(delivered + 1)
            let counts = Counts(sent: sent, delivered: delivered, bounced: sent - delivered, hardBounced: 0, softBounced: sent - delivered,
                                uniqueOpens: opens, totalOpens: opens, humanUniqueOpens: opens, uniqueClicks: opens / 3, totalClicks: opens / 3,
                                unsubscribed: delivered == 0 ? 0 : next(delivered / 50 + 1), complaints: delivered == 0 ? 0 : next(3))
            let status: CampaignStatus = [.sent, .sent, .sent, .sending, .draft][next(5)]
            let sentAt: Double? = next(8) == 0 ? nil : Double(1_000_000 + next(60) * 86_400)
            inputs.append(insightInput("c\(i)", status: status, sentAt: sentAt, counts: counts))
        }
        return inputs
    }

    /// The history of campaign `index` worked out directly: its metric's defined rates over the
    /// sent campaigns with an earlier sent_at, the most recent `window`, oldest first.
    static func referencePrevious(_ inputs: [InsightInput], _ index: Int, _ metric: AccountMetric, window: Int) -> [Double] {
        let campaign = inputs[index].campaign
        guard campaign.status == .sent, let time = campaign.sentAt?.epochSeconds else { return [] }
        let earlier = inputs.indices
            .filter { inputs[$0].campaign.status == .sent && (inputs[$0].campaign.sentAt?.epochSeconds).map { $0 < time } == true }
            .sorted { (inputs[$0].campaign.sentAt!.epochSeconds, $0) < (inputs[$1].campaign.sentAt!.epochSeconds, $1) }
        return Array(earlier.compactMap { metric.rate(inputs[$0].metrics.rates) }.suffix(window))
    }

    @Test("history windows equal the direct computation, for every window size")
    func historyWindows() {
        let inputs = Self.inputs()
        for window in [0, 1, 3, 10, 1000] {
            let history = AccountHistory(inputs: inputs, window: window)
            for index in inputs.indices {
                let previous = history.previous(before: index)
                for metric in AccountMetric.allCases {
                    #expect(Array(previous[metric]) == Self.referencePrevious(inputs, index, metric, window: window), "\(index) \(metric)")
                }
                // The same windows lent in place, metric by metric in `AccountMetric.inOrder` order.
                var lent: [[Double]] = []
                history.forEachPreviousInPlace(before: index) { lent.append(Array($0)) }
                #expect(lent == AccountMetric.inOrder.map { Array(previous[$0]) }, "\(index)")
            }
        }
    }

    @Test("the history digest hashes each metric's count and rates, metric by metric")
    func historyDigest() {
        let inputs = Self.inputs()
        let evaluator = InsightEvaluator(inputs: inputs, config: .default)
        for index in inputs.indices {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            func mix(_ v: UInt64) {
                h = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 32
            }
            for metric in AccountMetric.allCases {
                let values = Self.referencePrevious(inputs, index, metric, window: InsightConfig.default.historyWindow)
                mix(UInt64(values.count))
                for value in values { mix(value.bitPattern) }
            }
            #expect(evaluator.historyDigest(at: index) == String(h, radix: 16), "\(index)")
        }
    }

    @Test("baselines from a window equal median and MAD computed on sorted copies")
    func baselines() {
        var x: UInt64 = 99
        for count in [1, 2, 3, 4, 5, 10, 11, 31, 32, 33, 100] {
            for _ in 0..<20 {
                var values: [Double] = []
                for _ in 0..<count {
                    x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    values.append(Double((x >> 40) % 50) / 1000)
                }
                let sorted = values.sorted()
                func median(_ s: [Double]) -> Double { s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
                let m = median(sorted)
                let mad = median(values.map { abs($0 - m) }.sorted())
                let baseline = HistoryBaseline(values: ([0.5] + values + [0.7])[1...count], minimumCount: 1, relativeFloor: 0.1, absoluteFloor: 0.002)
                #expect(baseline?.values == values)
                #expect(baseline?.median == m)
                #expect(baseline?.medianAbsoluteDeviation == mad)
                #expect(baseline?.scale == max(1.4826 * mad, 0.1 * abs(m), 0.002))
            }
        }
        #expect(HistoryBaseline(values: [0.1, .nan, 0.3, .infinity], minimumCount: 2, relativeFloor: 0, absoluteFloor: 0)?.values == [0.1, 0.3])
        #expect(HistoryBaseline(values: [0.1, .nan], minimumCount: 2, relativeFloor: 0, absoluteFloor: 0) == nil)
    }

    @Test("each campaign's insights come out in display order")
    func displayOrder() {
        var inputs = Self.inputs()
        inputs.append(insightInput("bad", audience: 20_000, counts: Counts(sent: 10_000, delivered: 9_000, bounced: 1_000, hardBounced: 600,
                                                                            softBounced: 400, uniqueOpens: 900, totalOpens: 900, humanUniqueOpens: 100,
                                                                            uniqueClicks: 10, totalClicks: 10, unsubscribed: 200, complaints: 40)))
        for list in InsightEngine.insights(for: inputs, config: .default) {
            #expect(list.map(\.id) == InsightEngine.sortedForDisplay(list).map(\.id))
        }
    }

    @Test("the largest drop-off is the first of the largest steps")
    func largestDropOff() {
        let cases: [(Counts, Int?)] = [
            (Counts(sent: 100, delivered: 90, uniqueOpens: 50, uniqueClicks: 10), 1000),
            (Counts(sent: 100, delivered: 100, uniqueOpens: 100, uniqueClicks: 100), 100),
            (Counts(sent: 100, delivered: 60, uniqueOpens: 20, uniqueClicks: 20), 140),
            (Counts(), nil), (Counts(sent: 5, delivered: 5, uniqueOpens: 9, uniqueClicks: 2), 5),
        ]
        for (counts, audience) in cases {
            let funnel = Funnel(counts: counts, audienceSize: audience)
            let reference = funnel.dropOffs.filter { $0.lost > 0 }.max { $0.lost < $1.lost }
            #expect(funnel.largestDropOff == reference)
        }
    }

    @Test("URL checks on bytes agree with lowercasing the text")
    func linkURLs() {
        let urls = ["https://x.example/p", "HTTPS://X.EXAMPLE/", "HtTp://a", "http:/", "ftp://x", "mailto:a@b", "{{unsubscribe}}",
                    "https://x.example/UnSubscribe", "https://x.example/opt-out", "https://x.example/OPT_OUT?x", "https://x.example/optout",
                    "https://x.example/?UTM_SOURCE=a&Utm_Medium=b&utm_campaign=c", "https://x.example/?utm_source=a#utm_medium=b",
                    "https://x.example/#x?utm_source=a&utm_medium=b&utm_campaign=c", "https://x.example/?utm_source&utm_medium=&=utm_campaign",
                    "https://ex.example/ünï?utm_source=a", "https://x.example/\u{212A}?utm_source=a", "https://x.example/İ?UTM_SOURCE=a",
                    "https://x.example/?utm_source=a&&utm_medium=b&utm_campaign", "https://x.example/?utm_campaign=c&utm_campaign=d"]
        for url in urls {
            let link = InsightLinkURL(url: url)
            let lower = url.lowercased()
            #expect(link.isWeb == (lower.hasPrefix("http://") || lower.hasPrefix("https://")), "\(url)")
            #expect(link.isOptOut == ["unsubscribe", "optout", "opt-out", "opt_out"].contains { lower.contains($0) }, "\(url)")
            let names = link.parameterNames
            #expect(link.missingUTM == InsightLinkURL.requiredUTM.filter { !names.contains($0) }, "\(url)")
        }
    }

    @Test("a quoted title starts lowercase, whatever its first character")
    func lowercasingFirst() {
        for title in ["Unsubscribe rate above 0.5%", "1,234 targeted contacts", "Éclair", "ß", "", "A", "a", "\u{301}x", "İx", "\r\nX"] {
            #expect(InsightText.lowercasingFirst(title) == title.prefix(1).lowercased() + title.dropFirst(), "\(title)")
            let quoted: InsightText = "(\(lowercasingFirst: title))"
            #expect(quoted.string == "(" + InsightText.lowercasingFirst(title) + ")", "\(title)")
        }
    }

    @Test("threshold lines for any set of levels, cached or not")
    func thresholdLines() throws {
        var config = InsightConfig.default
        config.set(0.3, rule: "high-unsubscribe-rate", threshold: "warning_above_percent")
        let rule = try #require(InsightRule.named("high-unsubscribe-rate"))
        let prepared = PreparedRule(rule, position: 0, config: config)
        let warning = rule.thresholds[0], critical = rule.thresholds[1]
        #expect(prepared.thresholdLine([warning, critical])
            == "Threshold: > 0.3% warning (set in the insights config; default 0.5%, seed product guidance), > 1% critical (Funnelmark default, twice the seed level)")
        #expect(prepared.thresholdLine([critical]) == "Threshold: > 1% critical (Funnelmark default, twice the seed level)")
        #expect(prepared.thresholdLine([critical, warning]).hasPrefix("Threshold: > 1% critical"))
    }
}
