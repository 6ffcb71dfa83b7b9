/// How a measured value is compared with a threshold.
public enum InsightComparison: String, Sendable, CaseIterable {
    case above, atOrAbove, below

    /// Whether `value` crosses `threshold`. Values within a relative 1e-9 of the threshold count as
    /// equal to it, so a rate computed from counts that equals a configured percentage is "at" it.
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        let same = InsightTolerance.same(value, threshold)
        switch self {
        case .above: return !same && value > threshold
        case .atOrAbove: return same || value > threshold
        case .below: return !same && value < threshold
        }
    }

    /// `>`, `≥`, `<`.
    public var symbol: String {
        switch self {
        case .above: ">"
        case .atOrAbove: "≥"
        case .below: "<"
        }
    }

    /// `above`, `at or above`, `below`.
    public var words: String {
        switch self {
        case .above: "above"
        case .atOrAbove: "at or above"
        case .below: "below"
        }
    }
}

/// The unit a rule parameter is written in, in the config file and in docs.
public enum InsightUnit: String, Sendable {
    /// Percent, 0–100 (`0.5` means 0.5%); rules compare it with rates as `value / 100`.
    case percent
    /// Percentage points, for distances between two rates.
    case points
    /// A whole number.
    case count
    /// A plain positive number (e.g. a number of deviations).
    case number
}

/// One configurable number of a rule: a threshold with its default and where the default comes from.
public struct InsightParameter: Sendable, Equatable {
    /// The key in the config file, e.g. `warning_above_percent`.
    public var name: String
    public var defaultValue: Double
    public var unit: InsightUnit
    /// Values the config may set.
    public var range: ClosedRange<Double>
    /// The severity this threshold triggers, for thresholds that set one.
    public var severity: InsightSeverity?
    /// How the measured value is compared with it, for thresholds that trigger a severity.
    public var comparison: InsightComparison?
    /// What it means, one line (docs/INSIGHTS.md).
    public var meaning: String
    /// Where the default comes from, in a few words: "Gmail email sender guidelines", "Funnelmark default".
    public var origin: String

    public init(_ name: String, default defaultValue: Double, unit: InsightUnit, range: ClosedRange<Double>? = nil,
                severity: InsightSeverity? = nil, comparison: InsightComparison? = nil, meaning: String, origin: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.unit = unit
        self.range = range ?? {
            switch unit {
            case .percent, .points: 0...100
            case .count: 0...1_000_000
            case .number: 0...1_000
            }
        }()
        self.severity = severity
        self.comparison = comparison
        self.meaning = meaning
        self.origin = origin
    }

    /// The default as docs show it: `0.5%`, `3`, `0.2 points`.
    public var defaultText: String { InsightParameter.text(defaultValue, unit: unit) }

    static func text(_ value: Double, unit: InsightUnit) -> String {
        switch unit {
        case .percent: FigureText.setting(percent: value)
        case .points: FigureText.trimmed(value) + (value == 1 ? " point" : " points")
        case .count, .number: FigureText.trimmed(value)
        }
    }
}

/// One insight rule: a row of the rule table, with its id, kind, severities, thresholds and source.
///
/// Rules are values, listed in `InsightRule.all`; the engine runs them in that order
/// and docs/INSIGHTS.md describes each one.
public struct InsightRule: Sendable {
    /// Stable kebab-case id, used in JSON output and in the config file.
    public var id: String
    public var kind: InsightKind
    /// The severities the rule can produce, least severe first.
    public var severities: [InsightSeverity]
    /// What the rule looks at, in a few words ("High unsubscribe rate").
    public var name: String
    /// The formula of the figure it judges, in readers' words ("unsubscribed ÷ delivered").
    public var formula: String
    /// Its configurable thresholds, with defaults and their origin.
    public var thresholds: [InsightParameter]
    /// Where its thresholds or comparison base come from.
    public var source: String?
    /// A link to the source (https only).
    public var sourceURL: String?
    /// Whether it runs after the other rules and reads their findings (the summary).
    var readsOtherInsights = false
    let evaluate: @Sendable (InsightContext) -> Insight?

    init(id: String, kind: InsightKind, severities: [InsightSeverity], name: String, formula: String,
         thresholds: [InsightParameter] = [], source: String?, sourceURL: String? = nil,
         readsOtherInsights: Bool = false, evaluate: @escaping @Sendable (InsightContext) -> Insight?) {
        self.id = id
        self.kind = kind
        self.severities = severities
        self.name = name
        self.formula = formula
        self.thresholds = thresholds
        self.source = source
        self.sourceURL = sourceURL
        self.readsOtherInsights = readsOtherInsights
        self.evaluate = evaluate
    }

    /// The threshold named `name`, if the rule has one.
    public func threshold(named name: String) -> InsightParameter? {
        thresholds.first { $0.name == name }
    }

    /// The rule table, in the order rules run and ties are displayed.
    public static let all: [InsightRule] = [
        // Summary
        .summary,
        .partialData,
        .openRateVsBenchmark,
        .clickRateVsBenchmark,
        .largestDropOff,
        // Deliverability and list health
        .spamComplaints,
        .highUnsubscribeRate,
        .highBounceRate,
        .lowDeliveryRate,
        .hardBounces,
        .audienceNotFullySent,
        // Against the account's own history
        .unusualOpenRate,
        .unusualClickRate,
        .unusualBounceRate,
        .unusualUnsubscribeRate,
        .unusualComplaintRate,
        // Measurement and links
        .machineOpens,
        .clicksWithoutOpens,
        .linkConcentration,
        .missingUTM,
    ]

    /// The rule with this id.
    public static func named(_ id: String) -> InsightRule? { all.first { $0.id == id } }

    /// Rule id → position in the table.
    static let tableOrder: [String: Int] = {
        var order: [String: Int] = [:]
        for (i, rule) in all.enumerated() where order[rule.id] == nil { order[rule.id] = i }
        return order
    }()
}

/// Tolerant comparison of computed rates with configured thresholds.
enum InsightTolerance {
    /// Whether two values are equal up to a relative 1e-9 (rounding in `count / count` and `percent / 100`).
    static func same(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        let scale = max(abs(a), abs(b))
        return abs(a - b) <= 1e-9 * scale
    }
}
