// Against the account's own history: each sent campaign's rates compared with its earlier sent campaigns.

extension InsightRule {
    /// The name of each history rule's absolute scale floor.
    static let scaleFloorName = "scale_floor_points"

    static let historySource = "Funnelmark method: median and median absolute deviation of this account's earlier sent campaigns"

    static let unusualOpenRate = history(.open, id: "unusual-open-rate", floorPoints: 1,
                                         lowAdvice: "Check the sender name, the subject line and the send time, and whether the audience changed.")
    static let unusualClickRate = history(.click, id: "unusual-click-rate", floorPoints: 0.2,
                                          lowAdvice: "Check the content, the offer and the calls to action against the campaigns that did better.")
    static let unusualBounceRate = history(.bounce, id: "unusual-bounce-rate", floorPoints: 0.2,
                                           highAdvice: "Check where the addresses added since the last campaign came from.")
    static let unusualUnsubscribeRate = history(.unsubscribe, id: "unusual-unsubscribe-rate", floorPoints: 0.05,
                                                highAdvice: "Check whether the content, the frequency or the audience differed from usual.")
    static let unusualComplaintRate = history(.complaint, id: "unusual-complaint-rate", floorPoints: 0.02,
                                              highAdvice: "Check whether the audience included people who did not ask for this mail.")

    /// The history rule of a metric.
    static func historyRule(_ metric: AccountMetric) -> InsightRule {
        switch metric {
        case .open: unusualOpenRate
        case .click: unusualClickRate
        case .bounce: unusualBounceRate
        case .unsubscribe: unusualUnsubscribeRate
        case .complaint: unusualComplaintRate
        }
    }

    private static func history(_ metric: AccountMetric, id: String, floorPoints: Double,
                                lowAdvice: String? = nil, highAdvice: String? = nil) -> InsightRule {
        let floor = InsightParameter(
            scaleFloorName, default: floorPoints, unit: .points, range: 0.001...100,
            meaning: "the smallest scale, in percentage points, so a very steady history does not flag tiny changes",
            origin: "Funnelmark default")
        let name = metric.label.prefix(1).uppercased() + metric.label.dropFirst()
        return InsightRule(
            id: id, kind: .anomaly, severities: [.info, .warning], name: "Unusual \(metric.label)",
            formula: "\(metric.label) against the median of this account's previous sent campaigns",
            thresholds: [floor], source: historySource
        ) { c in
            // Only a sent campaign with a sent_at has a place in the history; partial figures are not compared.
            guard c.status == .sent, let rate = metric.rate(c.rates) else { return nil }
            let absoluteFloor = c.fraction(floor)
            guard let baseline = c.baseline(metric, absoluteFloor: absoluteFloor) else { return nil }
            let k = c.config.historyDeviations
            guard baseline.isUnusual(rate, deviations: k) else { return nil }
            let high = rate > baseline.median
            let good = high == metric.higherIsBetter
            let n = baseline.values.count
            let campaigns: InsightText = n == 1 ? "its previous sent campaign" : "its previous \(count: n) sent campaigns"
            let advice = good ? "A result worth learning from: note what was different this time." : (high ? highAdvice : lowAdvice) ?? ""
            let detail: InsightText = """
                \(name) \(percent: rate), well \(high ? "above" : "under") this account's usual \
                \(percent: baseline.median) (the median of \(campaigns)). \(advice)
                """
            let range = baseline.usualRange(deviations: k)
            let spread: InsightText
            switch baseline.scaleSource {
            case .deviation: spread = "1.4826 × MAD"
            case .relativeFloor: spread = "floor: \(FigureText.trimmed(c.config.historyRelativeFloorPercent))% of the median"
            case .absoluteFloor: spread = "floor: \(c.text(floor)), \(c.origin(floor))"
            }
            let method = k == InsightConfig.deviationsSetting.defaultValue
                ? "Funnelmark default method"
                : "set in the insights config; default \(InsightConfig.deviationsSetting.defaultText)"
            let window: InsightText = n == 1 ? "previous sent campaign" : "previous \(count: n) sent campaigns"
            let evidence: [InsightText] = [
                c.rateLine(name, rate, metric.numerator(c.counts), metric.denominator(c.counts), metric.denominatorLabel),
                "History (\(window), oldest first): \(percents: baseline.values)",
                """
                Usual: median \(percent: baseline.median), MAD \(points: baseline.medianAbsoluteDeviation); \
                scale \(points: baseline.scale) (\(spread))
                """,
                """
                Threshold: more than \(FigureText.trimmed(k)) × scale from the median, outside \
                \(percent: range.lowerBound)–\(percent: range.upperBound) (\(method))
                """,
            ]
            return c.insight(good ? .info : .warning, title: "\(name) unusually \(high ? "high" : "low")", detail: detail, evidence: evidence)
        }
    }
}
