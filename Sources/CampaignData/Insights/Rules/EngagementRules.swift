// Engagement: opens and clicks against an industry benchmark, and how far open tracking can be trusted.

/// How a rate stands against a benchmark, with a relative margin counting as "in line".
enum BenchmarkStanding {
    case below, inLine, above

    init(rate: Double, benchmark: Double, marginFraction: Double) {
        if InsightComparison.below.holds(rate, benchmark * (1 - marginFraction)) {
            self = .below
        } else if InsightComparison.above.holds(rate, benchmark * (1 + marginFraction)) {
            self = .above
        } else {
            self = .inLine
        }
    }

    var words: String {
        switch self {
        case .below: "below"
        case .inLine: "in line with"
        case .above: "above"
        }
    }
}

/// The open rate to compare with pre-2021 benchmarks: human opens when the data separates them.
struct OpenRateBasis {
    var label: String
    var rate: Double
    var numerator: Int
    var excludesAutomated: Bool

    init?(_ counts: Counts, _ rates: Rates) {
        if let human = counts.humanUniqueOpens, let rate = rates.humanOpen, human != counts.uniqueOpens {
            self.label = "Human open rate"
            self.rate = rate
            self.numerator = human
            self.excludesAutomated = true
        } else if let rate = rates.open {
            self.label = "Open rate"
            self.rate = rate
            self.numerator = counts.uniqueOpens
            self.excludesAutomated = false
        } else {
            return nil
        }
    }
}

extension InsightRule {
    static let benchmarkMargin = InsightParameter(
        "in_line_margin_percent", default: 10, unit: .percent,
        meaning: "within this share of the benchmark, above or below, counts as in line; further below is a notice",
        origin: "Funnelmark default")

    // MARK: - open-rate-vs-benchmark

    static let openRateVsBenchmark: InsightRule = {
        let margin = benchmarkMargin
        return InsightRule(
            id: "open-rate-vs-benchmark", kind: .summary, severities: [.info, .notice], name: "Open rate against the industry benchmark",
            formula: "unique opens ÷ delivered (opens not marked automated, when the data separates them)",
            thresholds: [margin], source: IndustryBenchmark.citation, sourceURL: IndustryBenchmark.sourceURL
        ) { c in
            let counts = c.counts
            guard let benchmark = c.benchmark, let basis = OpenRateBasis(counts, c.rates) else { return nil }
            let standing = BenchmarkStanding(rate: basis.rate, benchmark: benchmark.openRate, marginFraction: c.fraction(margin))
            let published = benchmark.openPublished
            let note = basis.excludesAutomated ? ", not counting automated opens" : ""
            let advice = basis.excludesAutomated
                ? "Automated opens are left out because the benchmark predates Apple Mail Privacy Protection (2021), which inflates opens."
                : IndustryBenchmark.caveat
            let detail: InsightText = """
                \(c.soFarLead)\(percent: basis.rate) of delivered recipients \(c.did("opened", "have opened")) \
                (\(count: basis.numerator) of \(count: counts.delivered)\(note)), \(standing.words) \
                \(benchmark.phrase) of \(published) (data as of \(IndustryBenchmark.dataAsOf)). \(advice)
                """
            return c.insight(standing == .below ? .notice : .info,
                             title: "Open rate \(standing.words) \(benchmark.averageTitle)\(c.soFar)", detail: detail, evidence: [
                c.rateLine(basis.label, basis.rate, basis.numerator, counts.delivered, "delivered"),
                InsightText(benchmark.openLine),
                InsightText(c.evaluation.plan.openMarginLine),
            ])
        }
    }()

    // MARK: - click-rate-vs-benchmark

    static let clickRateVsBenchmark: InsightRule = {
        let margin = benchmarkMargin
        return InsightRule(
            id: "click-rate-vs-benchmark", kind: .summary, severities: [.info, .notice], name: "Click rate against the industry benchmark",
            formula: "unique clicks ÷ delivered",
            thresholds: [margin], source: IndustryBenchmark.citation, sourceURL: IndustryBenchmark.sourceURL
        ) { c in
            guard let benchmark = c.benchmark, let rate = c.rates.click else { return nil }
            let counts = c.counts
            let standing = BenchmarkStanding(rate: rate, benchmark: benchmark.clickRate, marginFraction: c.fraction(margin))
            let published = benchmark.clickPublished
            let detail: InsightText = """
                \(c.soFarLead)\(percent: rate) of delivered recipients \(c.did("clicked a link", "have clicked a link")) \
                (\(count: counts.uniqueClicks) of \(count: counts.delivered)), \(standing.words) \
                \(benchmark.phrase) of \(published) (data as of \(IndustryBenchmark.dataAsOf)).
                """
            return c.insight(standing == .below ? .notice : .info,
                             title: "Click rate \(standing.words) \(benchmark.averageTitle)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Click rate", rate, counts.uniqueClicks, counts.delivered, "delivered"),
                InsightText(benchmark.clickLine),
                InsightText(c.evaluation.plan.clickMarginLine),
            ])
        }
    }()

    // MARK: - machine-opens

    static let machineOpens: InsightRule = {
        let share = InsightParameter(
            "notice_at_or_above_percent", default: 30, unit: .percent, severity: .notice, comparison: .atOrAbove,
            meaning: "recommend leading with clicks when automated opens are at least this share of unique opens",
            origin: "Funnelmark default")
        let levels = [share]
        return InsightRule(
            id: "machine-opens", kind: .recommendation, severities: [.notice], name: "Many automated opens: lead with clicks",
            formula: "(unique opens − human unique opens) ÷ unique opens", thresholds: [share],
            source: "Funnelmark default; automated opens come mostly from Apple Mail Privacy Protection (2021)"
        ) { c in
            let counts = c.counts, rates = c.rates
            guard let human = counts.humanUniqueOpens, counts.uniqueOpens > 0, counts.delivered > 0,
                  let open = rates.open, let humanRate = rates.humanOpen else { return nil }
            let automated = max(0, counts.uniqueOpens - human)
            let fraction = Double(automated) / Double(counts.uniqueOpens)
            guard let level = c.crossed(fraction, levels) else { return nil }
            let click: InsightText = rates.click.map { "\(percent: $0)" } ?? "0%"
            let detail: InsightText = """
                \(c.soFarLead)\(count: automated) of \(count: counts.uniqueOpens) opening recipients \
                (\(percent: fraction, distinctFrom: c.fraction(level))) opened only automatically, at or above the \
                \(c.text(level)) level (\(c.origin(level))): their mail app loaded the images without a person reading \
                (Apple Mail Privacy Protection does this). The open rate of \(percent: open) overstates reading; \
                without them it is \(percent: humanRate). Lead with the click rate (\(click)) when judging this campaign.
                """
            return c.insight(.notice, title: "Many automated opens: lead with clicks", detail: detail, evidence: [
                """
                Automated share of opens: \(percent: fraction, distinctFrom: c.fraction(level)) \
                ((\(count: counts.uniqueOpens) − \(count: human)) ÷ \(count: counts.uniqueOpens) unique opens)
                """,
                c.rateLine("Open rate", open, counts.uniqueOpens, counts.delivered, "delivered"),
                c.rateLine("Human open rate", humanRate, human, counts.delivered, "delivered"),
                c.thresholdLine(levels),
            ])
        }
    }()

    // MARK: - clicks-without-opens

    static let clicksWithoutOpens: InsightRule = {
        let share = InsightParameter(
            "notice_at_or_above_percent", default: 10, unit: .percent, severity: .notice, comparison: .atOrAbove,
            meaning: "flag when clickers with no recorded open are at least this share of clickers",
            origin: "Funnelmark default")
        let levels = [share]
        return InsightRule(
            id: "clicks-without-opens", kind: .anomaly, severities: [.notice], name: "Clicks without a recorded open",
            formula: "clickers with no open event ÷ unique clicks", thresholds: [share], source: "Funnelmark default"
        ) { c in
            let clicks = c.counts.uniqueClicks
            guard let without = c.evaluation.input.clickersWithoutOpen, without > 0, clicks > 0 else { return nil }
            let fraction = Double(without) / Double(clicks)
            guard let level = c.crossed(fraction, levels) else { return nil }
            let detail: InsightText = """
                \(c.soFarLead)\(count: without) of \(count: clicks) clicking recipients \
                (\(percent: fraction, distinctFrom: c.fraction(level))) have no recorded open, at or above the \
                \(c.text(level)) level (\(c.origin(level))): their mail apps blocked the tracking image, yet they read and clicked. \
                Funnelmark counts them as openers (a click implies an open), but open tracking misses readers like them \
                who did not click, so the true open rate is likely higher than measured.
                """
            return c.insight(.notice, title: "Clicks without a recorded open\(c.soFar)", detail: detail, evidence: [
                "Clickers without an open: \(percent: fraction, distinctFrom: c.fraction(level)) (\(count: without) ÷ \(count: clicks) unique clicks)",
                c.thresholdLine(levels),
            ])
        }
    }()
}
