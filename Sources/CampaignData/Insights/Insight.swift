/// What an insight is for: the page groups insights by kind, in this order.
public enum InsightKind: String, Sendable, CaseIterable {
    case summary, anomaly, recommendation

    /// The heading of the kind's group on a page.
    public var label: String {
        switch self {
        case .summary: "Summary"
        case .anomaly: "Anomalies"
        case .recommendation: "Recommendations"
        }
    }

    /// Position in display order (summary first).
    public var displayOrder: Int {
        switch self {
        case .summary: 0
        case .anomaly: 1
        case .recommendation: 2
        }
    }
}

/// How much an insight matters; `critical` is the most severe.
public enum InsightSeverity: String, Sendable, CaseIterable, Comparable {
    case info, notice, warning, critical

    public var label: String {
        switch self {
        case .info: "Info"
        case .notice: "Notice"
        case .warning: "Warning"
        case .critical: "Critical"
        }
    }

    /// Position in `allCases`: 0 for info … 3 for critical.
    var rank: Int {
        switch self {
        case .info: 0
        case .notice: 1
        case .warning: 2
        case .critical: 3
        }
    }

    public static func < (lhs: InsightSeverity, rhs: InsightSeverity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding about a campaign, with the numbers behind it and where its threshold comes from.
public struct Insight: Sendable, Equatable {
    /// The stable kebab-case id of the rule that produced it (docs/INSIGHTS.md).
    public var id: String
    public var kind: InsightKind
    public var severity: InsightSeverity
    /// One line, e.g. "Unsubscribe rate above 0.5%".
    public var title: String
    /// Plain sentences quoting the numbers and the threshold.
    public var detail: String
    /// Short lines: the figures with their formulas, the threshold, the comparison base.
    public var evidence: [String]
    /// Where the threshold or comparison comes from, e.g. "Gmail email sender guidelines (2024)".
    public var source: String?
    /// A link to the source; always https.
    public var sourceURL: String?

    public init(id: String, kind: InsightKind, severity: InsightSeverity, title: String, detail: String,
                evidence: [String] = [], source: String? = nil, sourceURL: String? = nil) {
        self.id = id
        self.kind = kind
        self.severity = severity
        self.title = title
        self.detail = detail
        self.evidence = evidence
        self.source = source
        self.sourceURL = sourceURL
    }
}

/// What the insights stage needs to know about one campaign.
public struct InsightInput: Sendable {
    public var campaign: Campaign
    public var metrics: CampaignMetrics
    /// Recipients who clicked with no open event; `nil` when unknown (pre-aggregated data).
    public var clickersWithoutOpen: Int?

    public init(campaign: Campaign, metrics: CampaignMetrics, clickersWithoutOpen: Int? = nil) {
        self.campaign = campaign
        self.metrics = metrics
        self.clickersWithoutOpen = clickersWithoutOpen
    }
}

// MARK: - Display order and grouping

/// The insights of one kind, as a page shows them under one heading.
public struct InsightGroup: Sendable, Equatable {
    public var kind: InsightKind
    /// Most severe first, then in rule-table order.
    public var insights: [Insight]

    public init(kind: InsightKind, insights: [Insight]) {
        self.kind = kind
        self.insights = insights
    }
}

extension InsightEngine {
    /// Display order: kind (summary, anomaly, recommendation), then severity (most severe first),
    /// then the rule table's order; insights of unknown rules come last, by id. The sort is stable.
    public static func sortedForDisplay(_ insights: [Insight]) -> [Insight] {
        let order = InsightRule.tableOrder
        return insights.enumerated().sorted { a, b in
            let l = a.element, r = b.element
            if l.kind != r.kind { return l.kind.displayOrder < r.kind.displayOrder }
            // The analyst's paragraph leads the summaries, whatever the others' severity.
            if (l.id == InsightRule.summary.id) != (r.id == InsightRule.summary.id) { return l.id == InsightRule.summary.id }
            if l.severity != r.severity { return l.severity > r.severity }
            let li = order[l.id] ?? Int.max, ri = order[r.id] ?? Int.max
            if li != ri { return li < ri }
            if l.id != r.id { return l.id < r.id }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The insights grouped by kind, in kind order, each group in display order; empty groups are left out.
    public static func groupedByKind(_ insights: [Insight]) -> [InsightGroup] {
        let sorted = sortedForDisplay(insights)
        return InsightKind.allCases.compactMap { kind in
            let members = sorted.filter { $0.kind == kind }
            return members.isEmpty ? nil : InsightGroup(kind: kind, insights: members)
        }
    }

    /// The most severe insight's severity, or nil when there are none (for overview badges).
    public static func highestSeverity(_ insights: [Insight]) -> InsightSeverity? {
        insights.map(\.severity).max()
    }
}
