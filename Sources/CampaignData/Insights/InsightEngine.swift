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

    /// Insights for one campaign, given the rates of the account's earlier sent campaigns and the
    /// rule table prepared for the config, sorted for display.
    static func insights(for input: InsightInput, previous: PreviousRates, plan: InsightPlan) -> [Insight] {
        let evaluation = CampaignEvaluation(input: input, previous: previous, plan: plan)
        var found: [Insight] = []
        var keys: [Int] = []
        found.reserveCapacity(12)
        keys.reserveCapacity(12)
        // Drafts and scheduled campaigns have no figures to judge: at most the summary of what is configured.
        let configuredOnly = input.campaign.status == .draft || input.campaign.status == .scheduled
        // The rules are read in place: the plan is shared by every thread, and retaining each
        // rule for its call made both threads count references on the same objects.
        (configuredOnly ? plan.configuredFirst : plan.first).withUnsafeBufferPointer { rules in
            for k in rules.indices {
                if let insight = rules[k].evaluate(InsightContext(evaluation: evaluation, prepared: rules[k])) {
                    keys.append(displayKey(insight, rules[k]))
                    found.append(consume insight)
                }
            }
        }
        // Rules that read the others' findings (the summary) run last.
        (configuredOnly ? plan.configuredLast : plan.last).withUnsafeBufferPointer { rules in
            for k in rules.indices {
                evaluation.others = found
                let insight = rules[k].evaluate(InsightContext(evaluation: evaluation, prepared: rules[k]))
                evaluation.others = []
                if let insight {
                    keys.append(displayKey(insight, rules[k]))
                    found.append(consume insight)
                }
            }
        }
        // Display order, by a stable insertion sort (a handful of insights), moving rather than copying them.
        found.withUnsafeMutableBufferPointer { found in
            for i in found.indices.dropFirst() {
                var j = i
                while j > 0 && keys[j - 1] > keys[j] {
                    keys.swapAt(j - 1, j)
                    found.swapAt(j - 1, j)
                    j -= 1
                }
            }
        }
        return found
    }

    /// Orders insights as `sortedForDisplay` does, for an insight of `rule`: kind, then the summary
    /// first, then the most severe, then table order.
    static func displayKey(_ insight: Insight, _ rule: PreparedRule) -> Int {
        let summaryFirst = rule.isSummary ? 0 : 1
        return ((insight.kind.displayOrder * 2 + summaryFirst) * 4 + (3 - insight.severity.rank)) * 1024 + min(rule.position, 1023)
    }
}

/// Computes one campaign's insights on demand, so a large site need not hold
/// every campaign's insights at once. Read-only; safe to share across threads.
public struct InsightEvaluator: Sendable {
    public let inputs: [InsightInput]
    public let config: InsightConfig
    let history: AccountHistory
    /// The rule table with this config's thresholds worked out once for every campaign.
    let plan: InsightPlan

    public init(inputs: [InsightInput], config: InsightConfig) {
        self.inputs = inputs
        self.config = config
        self.history = AccountHistory(inputs: inputs, window: config.historyWindow)
        self.plan = InsightPlan(config: config)
    }

    /// The insights of campaign `index`, sorted for display.
    public func insights(at index: Int) -> [Insight] {
        InsightEngine.insights(for: inputs[index], previous: history.previous(before: index), plan: plan)
    }

    /// Everything the insights of campaign `index` depend on besides its own data, as text
    /// (the account history it is compared with), for change detection.
    public func historyDigest(at index: Int) -> String {
        String(historyHash(at: index), radix: 16)
    }

    /// `historyDigest` as a number (no text to make per campaign).
    public func historyHash(at index: Int) -> UInt64 {
        // The rates' bit patterns, metric by metric, mixed a word at a time: exact (any change
        // of a rate changes its bits), and cheap for long windows. Read in place: no
        // `PreviousRates` is made (10,000 of them were most of an incremental build's fingerprints).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            h = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 32
        }
        history.forEachPreviousInPlace(before: index) { values in
            mix(UInt64(values.count))
            for value in values { mix(value.bitPattern) }
        }
        return h
    }
}

// MARK: - The rule table under one config

/// One threshold of a rule under one config: its value, and how the rules quote it, worked out once.
struct ThresholdSetting: Sendable {
    let parameter: InsightParameter
    /// In the parameter's unit.
    let value: Double
    /// `value / 100`, comparable with rates.
    let fraction: Double
    /// `0.5%`, `20`.
    let text: String
    /// Where the value comes from.
    let origin: String
    /// `> 0.5% warning (seed product guidance)`, one entry of a `Threshold:` line.
    let levelText: String

    init(_ parameter: InsightParameter, rule: InsightRule, config: InsightConfig) {
        self.parameter = parameter
        value = config.value(parameter, rule: rule.id)
        fraction = value / 100
        text = InsightParameter.text(value, unit: parameter.unit)
        origin = config.isDefault(parameter, rule: rule.id)
            ? parameter.origin
            : "set in the insights config; default \(parameter.defaultText), \(parameter.origin)"
        let symbol = parameter.comparison.map { $0.symbol + " " } ?? ""
        let severity = parameter.severity.map { " " + $0.rawValue } ?? ""
        levelText = "\(symbol)\(text)\(severity) (\(origin))"
    }
}

/// A row of the rule table with its settings under one config.
final class PreparedRule: Sendable {
    let rule: InsightRule
    /// The rule's parts every finding reads, kept apart so reading them copies nothing else.
    let id: String
    let kind: InsightKind
    let source: String?
    let sourceURL: String?
    let evaluate: @Sendable (InsightContext) -> Insight?
    /// Whether this is the summary, which leads its group.
    let isSummary: Bool
    /// Position in `InsightRule.all`: the display order among insights of equal kind and severity.
    let position: Int
    /// The rule's thresholds, in the rule's order.
    let thresholds: [ThresholdSetting]
    /// The names of the thresholds that set a severity, and their `Threshold: …` line.
    private let levelNames: [String]
    private let levelLine: String

    init(_ rule: InsightRule, position: Int, config: InsightConfig) {
        self.rule = rule
        id = rule.id
        kind = rule.kind
        source = rule.source
        sourceURL = rule.sourceURL
        evaluate = rule.evaluate
        isSummary = rule.id == InsightRule.summary.id
        self.position = position
        thresholds = rule.thresholds.map { ThresholdSetting($0, rule: rule, config: config) }
        let levels = thresholds.filter { $0.parameter.comparison != nil }
        levelNames = levels.map(\.parameter.name)
        levelLine = "Threshold: " + levels.map(\.levelText).joined(separator: ", ")
    }

    /// Where one of the rule's thresholds is in `thresholds`.
    func settingIndex(_ parameter: InsightParameter) -> Int? {
        for i in thresholds.indices where thresholds[i].parameter.name == parameter.name { return i }
        return nil
    }

    /// `Threshold: > 0.5% warning (…), > 1% critical (…)` for these levels of the rule.
    func thresholdLine(_ levels: [InsightParameter]) -> String {
        if levels.count == levelNames.count && zip(levels, levelNames).allSatisfy({ $0.name == $1 }) { return levelLine }
        return "Threshold: " + levels.map { level in settingIndex(level).map { thresholds[$0].levelText } ?? "" }.joined(separator: ", ")
    }
}

/// The rule table prepared for one config; every campaign of a build shares it.
final class InsightPlan: Sendable {
    let config: InsightConfig
    /// Enabled rules in table order, except those that read the others' findings.
    let first: [PreparedRule]
    /// Enabled rules that read the others' findings (the summary), run after `first`.
    let last: [PreparedRule]
    /// `first` and `last` for drafts and scheduled campaigns: only the summary.
    let configuredFirst: [PreparedRule]
    let configuredLast: [PreparedRule]
    /// The chosen benchmark, with its phrases.
    let benchmark: PlannedBenchmark?
    /// The benchmark rules' in-line margins, as fractions (the summary uses them too).
    let openMargin: Double
    let clickMargin: Double
    /// The benchmark rules' `Threshold: within ±10% of the benchmark …` lines, the same for every campaign.
    let openMarginLine: String
    let clickMarginLine: String
    /// Per metric (`AccountMetric.allCases` order), the history rule's scale floor as a fraction.
    let historyFloors: [Double]

    init(config: InsightConfig) {
        self.config = config
        var first: [PreparedRule] = [], last: [PreparedRule] = []
        for (position, rule) in InsightRule.all.enumerated() where config.isEnabled(rule.id) {
            let prepared = PreparedRule(rule, position: position, config: config)
            if rule.readsOtherInsights { last.append(prepared) } else { first.append(prepared) }
        }
        self.first = first
        self.last = last
        configuredFirst = first.filter { $0.rule.id == InsightRule.summary.id }
        configuredLast = last.filter { $0.rule.id == InsightRule.summary.id }
        benchmark = config.benchmark.map(PlannedBenchmark.init)
        let open = ThresholdSetting(InsightRule.benchmarkMargin, rule: InsightRule.openRateVsBenchmark, config: config)
        let click = ThresholdSetting(InsightRule.benchmarkMargin, rule: InsightRule.clickRateVsBenchmark, config: config)
        openMargin = open.fraction
        clickMargin = click.fraction
        openMarginLine = InsightPlan.marginLine(open)
        clickMarginLine = InsightPlan.marginLine(click)
        historyFloors = AccountMetric.inOrder.map { metric in
            let rule = InsightRule.historyRule(metric)
            return rule.threshold(named: InsightRule.scaleFloorName).map { config.value($0, rule: rule.id) / 100 } ?? 0
        }
    }
}

extension InsightPlan {
    /// `Threshold: within ±10% of the benchmark is in line; further below is a notice (Funnelmark default)`.
    static func marginLine(_ margin: ThresholdSetting) -> String {
        "Threshold: within ±\(margin.text) of the benchmark is in line; further below is a notice (\(margin.origin))"
    }
}

/// The chosen benchmark with the figures and phrases the rules quote, worked out once per config.
struct PlannedBenchmark: Sendable {
    let industry: IndustryBenchmark
    /// The open and click rates as published: `21.33%`, `2.62%`.
    let openPublished: String
    let clickPublished: String
    /// "the Mailchimp average across all industries".
    let phrase: String
    /// "the all-industries average".
    let averageTitle: String
    /// The evidence lines that quote it, the same for every campaign: `Benchmark: 21.33% average unique
    /// open rate, …`, `Benchmark: 2.62% average click rate, …` and the summary's `Benchmark: All
    /// industries, 21.33% open, 2.62% click (…)`.
    let openLine: String
    let clickLine: String
    let summaryLine: String
    /// `IndustryBenchmark.citation`.
    let citation: String

    init(_ industry: IndustryBenchmark) {
        self.industry = industry
        openPublished = IndustryBenchmark.published(industry.openPercent)
        clickPublished = IndustryBenchmark.published(industry.clickPercent)
        phrase = industry.phrase
        averageTitle = industry.averageTitle
        let asOf = "(Mailchimp, data as of \(IndustryBenchmark.dataAsOf))"
        openLine = "Benchmark: \(openPublished) average unique open rate, \(industry.name) \(asOf)"
        clickLine = "Benchmark: \(clickPublished) average click rate, \(industry.name) \(asOf)"
        summaryLine = "Benchmark: \(industry.name), \(openPublished) open, \(clickPublished) click \(asOf)"
        citation = IndustryBenchmark.citation
    }

    var name: String { industry.name }
    var openRate: Double { industry.openRate }
    var clickRate: Double { industry.clickRate }
}

// MARK: - Account history

/// The rates the history rules compare, with how to read and word them.
enum AccountMetric: CaseIterable, Sendable {
    case open, click, bounce, unsubscribe, complaint

    /// `allCases`, made once.
    static let inOrder = allCases

    /// Position in `allCases`.
    var index: Int {
        switch self {
        case .open: 0
        case .click: 1
        case .bounce: 2
        case .unsubscribe: 3
        case .complaint: 4
        }
    }

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
    /// Per metric (`AccountMetric.allCases` order), the defined rates of the campaigns in `order`, in that order.
    private let rates: [[Double]]
    /// Per metric, for each position `p` of `order` (and `order.count`), how many of `rates` come
    /// from positions before `p`.
    private let ratesBefore: [[Int]]

    init(inputs: [InsightInput], window: Int) {
        self.inputs = inputs
        self.window = max(0, window)
        let order = inputs.indices
            .compactMap { i -> (index: Int, time: Double)? in
                let campaign = inputs[i].campaign
                guard campaign.status == .sent, let time = campaign.sentAt?.epochSeconds else { return nil }
                return (i, time)
            }
            .sorted { $0.time != $1.time ? $0.time < $1.time : $0.index < $1.index }
        self.order = order
        var rates: [[Double]] = [], ratesBefore: [[Int]] = []
        for metric in AccountMetric.inOrder {
            var values: [Double] = [], before: [Int] = []
            values.reserveCapacity(order.count)
            before.reserveCapacity(order.count + 1)
            for entry in order {
                before.append(values.count)
                if let rate = metric.rate(inputs[entry.index].metrics.rates) { values.append(rate) }
            }
            before.append(values.count)
            rates.append(values)
            ratesBefore.append(before)
        }
        self.rates = rates
        self.ratesBefore = ratesBefore
    }

    /// Per metric, the rates of the (at most `window`) most recent sent campaigns strictly before
    /// campaign `index`, oldest first, skipping campaigns where the rate is undefined.
    /// Empty unless campaign `index` is itself sent with a sent_at.
    func previous(before index: Int) -> PreviousRates {
        var result = PreviousRates()
        var m = 0
        forEachPrevious(before: index) { values in
            result.values[m] = values
            m += 1
        }
        return result
    }

    /// `forEachPrevious`, with each metric's rates lent in place: no slice is made, so nothing is
    /// retained. The fingerprints of an incremental build read every campaign's history on both
    /// cores, and the slices' retains of the same few arrays made the two contend for them.
    func forEachPreviousInPlace(before index: Int, _ body: (UnsafeBufferPointer<Double>) -> Void) {
        guard let position = historyEnd(before: index) else {
            for _ in 0..<rates.count { body(UnsafeBufferPointer(start: nil, count: 0)) }
            return
        }
        rates.withUnsafeBufferPointer { rates in
            ratesBefore.withUnsafeBufferPointer { ratesBefore in
                for m in 0..<rates.count {
                    let end = ratesBefore[m].withUnsafeBufferPointer { $0[position] }
                    rates[m].withUnsafeBufferPointer { values in
                        body(UnsafeBufferPointer(rebasing: values[max(0, end - window)..<end]))
                    }
                }
            }
        }
    }

    /// `body` with each metric's slice of `previous(before:)`, in `AccountMetric.inOrder` order
    /// (every metric, empty slices included), without making a `PreviousRates`.
    func forEachPrevious(before index: Int, _ body: (ArraySlice<Double>) -> Void) {
        guard let position = historyEnd(before: index) else {
            for _ in 0..<rates.count { body([]) }
            return
        }
        for m in 0..<rates.count {
            let end = ratesBefore[m][position]
            body(rates[m][max(0, end - window)..<end])
        }
    }

    /// The first position in `order` whose sent_at is not earlier than campaign `index`'s, or
    /// nil when that campaign is not itself sent with a sent_at (it has no history). Read in
    /// place (a copy of the campaign retains and releases each of its strings).
    private func historyEnd(before index: Int) -> Int? {
        inputs.withUnsafeBufferPointer { inputs in
            guard inputs[index].campaign.status == .sent, let time = inputs[index].campaign.sentAt?.epochSeconds else { return nil }
            return order.withUnsafeBufferPointer { order in
                var low = 0, high = order.count
                while low < high {
                    let mid = (low + high) / 2
                    if order[mid].time < time { low = mid + 1 } else { high = mid }
                }
                return low
            }
        }
    }
}

/// The rates of one campaign's history, per metric, oldest first.
struct PreviousRates {
    fileprivate var values = [ArraySlice<Double>](repeating: [], count: AccountMetric.inOrder.count)

    subscript(metric: AccountMetric) -> ArraySlice<Double> { values[metric.index] }
}

// MARK: - What a rule sees

/// One campaign's evaluation: its input and history, the history baselines worked out so far,
/// and (for the rules that read them) the other rules' findings.
final class CampaignEvaluation {
    let input: InsightInput
    /// The input's parts the rules read most, kept apart so reading them copies nothing else.
    let status: CampaignStatus
    let audience: Audience
    let counts: Counts
    let rates: Rates
    let hasFigures: Bool
    let previous: PreviousRates
    let plan: InsightPlan
    /// Findings of the rules run so far (set for rules that read them).
    var others: [Insight] = []
    /// Per metric, the baseline with the configured floor, once asked for (nil inside: too short a history).
    private var baselines: [HistoryBaseline??]

    init(input: InsightInput, previous: PreviousRates, plan: InsightPlan) {
        self.input = input
        status = input.campaign.status
        audience = input.campaign.audience
        counts = input.metrics.counts
        rates = input.metrics.rates
        hasFigures = input.metrics.source != .none
        self.previous = previous
        self.plan = plan
        baselines = [HistoryBaseline??](repeating: nil, count: AccountMetric.inOrder.count)
    }

    /// The baseline of a metric over earlier sent campaigns; nil when the history is too short.
    func baseline(_ metric: AccountMetric, absoluteFloor: Double) -> HistoryBaseline? {
        let configured = absoluteFloor == plan.historyFloors[metric.index]
        if configured, let known = baselines[metric.index] { return known }
        let baseline = HistoryBaseline(values: previous[metric], minimumCount: plan.config.minimumHistory,
                                       relativeFloor: plan.config.historyRelativeFloorPercent / 100, absoluteFloor: absoluteFloor)
        if configured { baselines[metric.index] = .some(baseline) }
        return baseline
    }
}

/// Everything one rule needs to judge one campaign, with helpers for the wording every rule shares.
///
/// It holds its evaluation and rule unretained: a context lives only for the rule's call, while
/// the caller holds both (the rule is shared by every thread, and counting references to it from
/// both made them contend for it).
struct InsightContext {
    unowned(unsafe) let evaluation: CampaignEvaluation
    /// The rule being run, with its settings.
    unowned(unsafe) let prepared: PreparedRule

    var config: InsightConfig { evaluation.plan.config }
    /// Findings of the other rules (only for rules that read them).
    var others: [Insight] { evaluation.others }
    /// The benchmark the config chose.
    var benchmark: PlannedBenchmark? { evaluation.plan.benchmark }

    /// The whole campaign (a copy: rules that read one field use the ones below or `evaluation.input`).
    var campaign: Campaign { evaluation.input.campaign }
    var status: CampaignStatus { evaluation.status }
    var audience: Audience { evaluation.audience }
    var counts: Counts { evaluation.counts }
    var rates: Rates { evaluation.rates }
    /// Whether the data has figures at all (events or counts).
    var hasFigures: Bool { evaluation.hasFigures }
    /// Still sending: every figure is a so-far value.
    var isSending: Bool { evaluation.status == .sending }

    // MARK: Thresholds

    /// A threshold's value from the config, in its unit.
    func value(_ parameter: InsightParameter) -> Double {
        if let i = prepared.settingIndex(parameter) { return prepared.thresholds[i].value }
        return config.value(parameter, rule: prepared.id)
    }

    /// A percent or points threshold as a fraction, comparable with rates.
    func fraction(_ parameter: InsightParameter) -> Double {
        if let i = prepared.settingIndex(parameter) { return prepared.thresholds[i].fraction }
        return config.value(parameter, rule: prepared.id) / 100
    }

    /// A threshold as written: `0.5%`, `20`.
    func text(_ parameter: InsightParameter) -> String {
        if let i = prepared.settingIndex(parameter) { return prepared.thresholds[i].text }
        return InsightParameter.text(value(parameter), unit: parameter.unit)
    }

    /// Where the threshold's value comes from.
    func origin(_ parameter: InsightParameter) -> String {
        if let i = prepared.settingIndex(parameter) { return prepared.thresholds[i].origin }
        return config.isDefault(parameter, rule: prepared.id)
            ? parameter.origin
            : "set in the insights config; default \(parameter.defaultText), \(parameter.origin)"
    }

    /// The most severe of `levels` that `value` crosses (each compares a fraction with its percent threshold).
    func crossed(_ value: Double, _ levels: [InsightParameter]) -> InsightParameter? {
        var most: Int?
        for i in levels.indices {
            guard let comparison = levels[i].comparison, comparison.holds(value, fraction(levels[i])) else { continue }
            // The first of the most severe wins.
            if let found = most, (levels[i].severity ?? .info) <= (levels[found].severity ?? .info) { continue }
            most = i
        }
        return most.map { levels[$0] }
    }

    /// `Threshold: > 0.5% warning (seed product guidance), > 1% critical (Funnelmark default)`.
    func thresholdLine(_ levels: [InsightParameter]) -> InsightText {
        InsightText(prepared.thresholdLine(levels))
    }

    /// `Complaint rate: 0.12% (6 ÷ 5,000 delivered)`.
    func rateLine(_ label: String, _ rate: Double, _ numerator: Int, _ denominator: Int, _ denominatorLabel: String,
                  distinctFrom threshold: Double? = nil) -> InsightText {
        "\(label): \(percent: rate, distinctFrom: threshold) (\(count: numerator) ÷ \(count: denominator) \(denominatorLabel))"
    }

    // MARK: Wording

    /// " so far" on titles of a campaign that is still sending.
    var soFar: String { isSending ? " so far" : "" }
    /// "So far, " before a sentence of a campaign that is still sending.
    var soFarLead: String { isSending ? "So far, " : "" }
    /// The verb for what recipients did: "unsubscribed" when sent, "have unsubscribed" while sending.
    func did(_ past: String, _ perfect: String) -> String { isSending ? perfect : past }

    /// An insight from this rule, with its kind and source.
    func insight(_ severity: InsightSeverity, title: InsightText, detail: InsightText, evidence: [InsightText],
                 source: String? = nil, sourceURL: String? = nil) -> Insight {
        var lines: [String] = []
        lines.reserveCapacity(evidence.count)
        for line in evidence { lines.append(line.string) }
        return Insight(id: prepared.id, kind: prepared.kind, severity: severity, title: title.string, detail: detail.string,
                       evidence: lines, source: source ?? prepared.source, sourceURL: sourceURL ?? prepared.sourceURL)
    }

    // MARK: History

    /// The baseline of a metric over earlier sent campaigns; nil when the history is too short.
    func baseline(_ metric: AccountMetric, absoluteFloor: Double) -> HistoryBaseline? {
        evaluation.baseline(metric, absoluteFloor: absoluteFloor)
    }

    /// The baseline of a metric with the floor configured for its history rule.
    func baseline(_ metric: AccountMetric) -> HistoryBaseline? {
        evaluation.baseline(metric, absoluteFloor: evaluation.plan.historyFloors[metric.index])
    }
}
