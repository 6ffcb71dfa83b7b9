/// Stage "insights": runs the rule table over every campaign.
public enum InsightEngine {
    /// Insights for every campaign; history is taken from the other sent campaigns with an earlier
    /// sent_at. Result order = input order; each list sorted for display (kind order summary,
    /// anomaly, recommendation; then severity most severe first; then rule table order).
    public static func insights(for inputs: [InsightInput], config: InsightConfig) -> [[Insight]] {
        let evaluator = InsightEvaluator(inputs: inputs, config: config)
        // Each campaign's rules read only its own figures and the (shared, read-only) history.
        return parallelMap(inputs.count) { evaluator.insights(at: $0) }
    }

    /// Insights for one campaign, given the rates of the account's earlier sent campaigns (oldest first, per metric).
    static func insights(for input: InsightInput, previous: [AccountMetric: [Double]], config: InsightConfig) -> [Insight] {
        let configuredOnly = input.campaign.status == .draft || input.campaign.status == .scheduled
        var found: [Insight] = []
        var last: [InsightRule] = []
        for rule in InsightRule.all where config.isEnabled(rule.id) {
            // Drafts and scheduled campaigns have no figures to judge: at most the summary of what is configured.
            if configuredOnly && rule.id != InsightRule.summary.id { continue }
            if rule.readsOtherInsights { last.append(rule); continue }
            let context = InsightContext(input: input, config: config, rule: rule, previous: previous, others: [])
            if let insight = rule.evaluate(context) { found.append(insight) }
        }
        for rule in last {
            let context = InsightContext(input: input, config: config, rule: rule, previous: previous, others: found)
            if let insight = rule.evaluate(context) { found.append(insight) }
        }
        return sortedForDisplay(found)
    }
}

/// Computes one campaign's insights on demand, so a large site need not hold
/// every campaign's insights at once. Read-only; safe to share across threads.
public struct InsightEvaluator: Sendable {
    public let inputs: [InsightInput]
    public let config: InsightConfig
    let history: AccountHistory

    public init(inputs: [InsightInput], config: InsightConfig) {
        self.inputs = inputs
        self.config = config
        self.history = AccountHistory(inputs: inputs, window: config.historyWindow)
    }

    /// The insights of campaign `index`, sorted for display.
    public func insights(at index: Int) -> [Insight] {
        InsightEngine.insights(for: inputs[index], previous: history.previous(before: index), config: config)
    }

    /// Everything the insights of campaign `index` depend on besides its own data, as text
    /// (the account history it is compared with), for change detection.
    public func historyDigest(at index: Int) -> String {
        let previous = history.previous(before: index)
        // FNV-1a over the rates' bit patterns, metric by metric: exact, and cheap for long windows.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            var v = v
            for _ in 0..<8 {
                h ^= v & 0xFF
                h = h &* 0x100_0000_01b3
                v >>= 8
            }
        }
        for metric in AccountMetric.allCases {
            let values = previous[metric] ?? []
            mix(UInt64(values.count))
            for value in values { mix(value.bitPattern) }
        }
        return String(h, radix: 16)
    }
}

// MARK: - Account history

/// The rates the history rules compare, with how to read and word them.
enum AccountMetric: CaseIterable, Sendable {
    case open, click, bounce, unsubscribe, complaint

    /// "open rate".
    var label: String {
        switch self {
        case .open: "open rate"
        case .click: "click rate"
        case .bounce: "bounce rate"
        case .unsubscribe: "unsubscribe rate"
        case .complaint: "complaint rate"
        }
    }

    func rate(_ rates: Rates) -> Double? {
        switch self {
        case .open: rates.open
        case .click: rates.click
        case .bounce: rates.bounce
        case .unsubscribe: rates.unsubscribe
        case .complaint: rates.complaint
        }
    }

    func numerator(_ c: Counts) -> Int {
        switch self {
        case .open: c.uniqueOpens
        case .click: c.uniqueClicks
        case .bounce: c.bounced
        case .unsubscribe: c.unsubscribed
        case .complaint: c.complaints
        }
    }

    func denominator(_ c: Counts) -> Int { self == .bounce ? c.sent : c.delivered }

    /// The denominator's name in a formula.
    var denominatorLabel: String { self == .bounce ? "sent" : "delivered" }

    /// Whether a higher value is good news.
    var higherIsBetter: Bool { self == .open || self == .click }
}

/// The account's sent campaigns in sent_at order, to look up what came before each one.
struct AccountHistory: Sendable {
    private let inputs: [InsightInput]
    /// Sent campaigns with a sent_at, as (input index, sent_at), by (sent_at, input order).
    private let order: [(index: Int, time: Double)]
    private let window: Int

    init(inputs: [InsightInput], window: Int) {
        self.inputs = inputs
        self.window = max(0, window)
        order = inputs.indices
            .compactMap { i -> (index: Int, time: Double)? in
                let campaign = inputs[i].campaign
                guard campaign.status == .sent, let time = campaign.sentAt?.epochSeconds else { return nil }
                return (i, time)
            }
            .sorted { $0.time != $1.time ? $0.time < $1.time : $0.index < $1.index }
    }

    /// Per metric, the rates of the (at most `window`) most recent sent campaigns strictly before
    /// campaign `index`, oldest first, skipping campaigns where the rate is undefined.
    /// Empty unless campaign `index` is itself sent with a sent_at.
    func previous(before index: Int) -> [AccountMetric: [Double]] {
        let campaign = inputs[index].campaign
        guard campaign.status == .sent, let time = campaign.sentAt?.epochSeconds else { return [:] }
        // First position in `order` whose sent_at is not earlier.
        var low = 0, high = order.count
        while low < high {
            let mid = (low + high) / 2
            if order[mid].time < time { low = mid + 1 } else { high = mid }
        }
        var result: [AccountMetric: [Double]] = [:]
        for metric in AccountMetric.allCases {
            var values: [Double] = []
            var position = low - 1
            while position >= 0, values.count < window {
                if let rate = metric.rate(inputs[order[position].index].metrics.rates) { values.append(rate) }
                position -= 1
            }
            result[metric] = values.reversed()
        }
        return result
    }
}

// MARK: - What a rule sees

/// Everything one rule needs to judge one campaign, with helpers for the wording every rule shares.
struct InsightContext {
    let input: InsightInput
    let config: InsightConfig
    let rule: InsightRule
    /// Per metric, earlier sent campaigns' rates, oldest first.
    let previous: [AccountMetric: [Double]]
    /// Findings of the other rules (only for rules that read them).
    let others: [Insight]

    var campaign: Campaign { input.campaign }
    var metrics: CampaignMetrics { input.metrics }
    var counts: Counts { input.metrics.counts }
    var rates: Rates { input.metrics.rates }
    /// Whether the data has figures at all (events or counts).
    var hasFigures: Bool { input.metrics.source != .none }
    /// Still sending: every figure is a so-far value.
    var isSending: Bool { campaign.status == .sending }

    // MARK: Thresholds

    /// A threshold's value from the config, in its unit.
    func value(_ parameter: InsightParameter) -> Double { config.value(parameter, rule: rule.id) }

    /// A percent or points threshold as a fraction, comparable with rates.
    func fraction(_ parameter: InsightParameter) -> Double { value(parameter) / 100 }

    /// A threshold as written: `0.5%`, `20`.
    func text(_ parameter: InsightParameter) -> String { InsightParameter.text(value(parameter), unit: parameter.unit) }

    /// Where the threshold's value comes from.
    func origin(_ parameter: InsightParameter) -> String {
        config.isDefault(parameter, rule: rule.id)
            ? parameter.origin
            : "set in the insights config; default \(parameter.defaultText), \(parameter.origin)"
    }

    /// The most severe of `levels` that `value` crosses (each compares a fraction with its percent threshold).
    func crossed(_ value: Double, _ levels: [InsightParameter]) -> InsightParameter? {
        levels
            .filter { level in level.comparison.map { $0.holds(value, fraction(level)) } ?? false }
            .max { ($0.severity ?? .info) < ($1.severity ?? .info) }
    }

    /// `Threshold: > 0.5% warning (seed product guidance), > 1% critical (Funnelmark default)`.
    func thresholdLine(_ levels: [InsightParameter]) -> String {
        "Threshold: " + levels.map { level in
            let symbol = level.comparison.map { $0.symbol + " " } ?? ""
            let severity = level.severity.map { " " + $0.rawValue } ?? ""
            return "\(symbol)\(text(level))\(severity) (\(origin(level)))"
        }.joined(separator: ", ")
    }

    /// `Complaint rate: 0.12% (6 ÷ 5,000 delivered)`.
    func rateLine(_ label: String, _ rate: Double, _ numerator: Int, _ denominator: Int, _ denominatorLabel: String,
                  distinctFrom threshold: Double? = nil) -> String {
        "\(label): \(FigureText.percent(rate, distinctFrom: threshold)) (\(FigureText.count(numerator)) ÷ \(FigureText.count(denominator)) \(denominatorLabel))"
    }

    // MARK: Wording

    /// " so far" on titles of a campaign that is still sending.
    var soFar: String { isSending ? " so far" : "" }
    /// "So far, " before a sentence of a campaign that is still sending.
    var soFarLead: String { isSending ? "So far, " : "" }
    /// The verb for what recipients did: "unsubscribed" when sent, "have unsubscribed" while sending.
    func did(_ past: String, _ perfect: String) -> String { isSending ? perfect : past }

    /// An insight from this rule, with its kind and source.
    func insight(_ severity: InsightSeverity, title: String, detail: String, evidence: [String],
                 source: String? = nil, sourceURL: String? = nil) -> Insight {
        Insight(id: rule.id, kind: rule.kind, severity: severity, title: title, detail: detail, evidence: evidence,
                source: source ?? rule.source, sourceURL: sourceURL ?? rule.sourceURL)
    }

    // MARK: History

    /// The baseline of a metric over earlier sent campaigns; nil when the history is too short.
    func baseline(_ metric: AccountMetric, absoluteFloor: Double) -> HistoryBaseline? {
        guard let values = previous[metric] else { return nil }
        return HistoryBaseline(values: values, minimumCount: config.minimumHistory,
                               relativeFloor: config.historyRelativeFloorPercent / 100, absoluteFloor: absoluteFloor)
    }

    /// The baseline of a metric with the floor configured for its history rule.
    func baseline(_ metric: AccountMetric) -> HistoryBaseline? {
        let rule = InsightRule.historyRule(metric)
        let floor = rule.threshold(named: InsightRule.scaleFloorName).map { config.value($0, rule: rule.id) / 100 } ?? 0
        return baseline(metric, absoluteFloor: floor)
    }
}
