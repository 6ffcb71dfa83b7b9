/// The stages of the campaign funnel, in order.
public enum FunnelStageName: String, Sendable, CaseIterable {
    case audience, sent, delivered, opened, clicked

    public var label: String {
        switch self {
        case .audience: "Audience"
        case .sent: "Sent"
        case .delivered: "Delivered"
        case .opened: "Opened"
        case .clicked: "Clicked"
        }
    }
}

/// One stage of the funnel: its count and share of the audience.
public struct FunnelStage: Sendable, Equatable {
    public var stage: FunnelStageName
    public var count: Int
    /// 100 × count / audience; nil when the audience is 0.
    public var percentOfAudience: Double?
}

/// Audience → Sent → Delivered → Opened → Clicked.
public struct Funnel: Sendable, Equatable {
    public var stages: [FunnelStage]

    /// Builds the funnel; `audience` is audience.size, or `sent` when absent (DESIGN.md).
    public init(counts: Counts, audienceSize: Int?) {
        let audience = audienceSize ?? counts.sent
        let values: [(FunnelStageName, Int)] = [
            (.audience, audience), (.sent, counts.sent), (.delivered, counts.delivered),
            (.opened, counts.uniqueOpens), (.clicked, counts.uniqueClicks),
        ]
        stages = values.map { name, count in
            FunnelStage(stage: name, count: count, percentOfAudience: audience == 0 ? nil : 100 * Double(count) / Double(audience))
        }
    }

    public var audience: Int { stages.first?.count ?? 0 }

    /// A transition between two consecutive stages.
    public struct DropOff: Sendable, Equatable {
        public var from: FunnelStage
        public var to: FunnelStage
        public init(from: FunnelStage, to: FunnelStage) {
            self.from = from
            self.to = to
        }
        /// Contacts lost between the stages (never negative).
        public var lost: Int { max(0, from.count - to.count) }
        /// Share of the earlier stage lost; nil when the earlier stage is 0.
        public var lostFraction: Double? { from.count == 0 ? nil : Double(lost) / Double(from.count) }
    }

    public var dropOffs: [DropOff] {
        zip(stages, stages.dropFirst()).map { DropOff(from: $0, to: $1) }
    }

    /// The transition that loses the most contacts (first of ties); nil if none loses any.
    public var largestDropOff: DropOff? {
        var largest: DropOff?
        for i in stages.indices.dropFirst() {
            let step = DropOff(from: stages[i - 1], to: stages[i])
            guard step.lost > 0, step.lost > (largest?.lost ?? 0) else { continue }
            largest = step
        }
        return largest
    }
}
