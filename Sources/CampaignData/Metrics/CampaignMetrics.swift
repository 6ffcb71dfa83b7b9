/// Where a campaign's figures came from.
public enum FigureSource: String, Sendable, Equatable {
    /// Computed from event files.
    case events
    /// The pre-aggregated `counts` of campaigns.json.
    case counts
    /// No figures (a draft or scheduled campaign, or no data yet).
    case none
}

/// Stage "metrics": everything computed about one campaign.
public struct CampaignMetrics: Sendable, Equatable {
    public var counts: Counts
    public var rates: Rates
    public var funnel: Funnel
    /// Per-link clicks, most clicked first.
    public var links: [LinkStat]
    public var source: FigureSource

    public init(counts: Counts, audienceSize: Int?, links: [LinkStat], source: FigureSource) {
        self.counts = counts
        self.rates = Rates(counts)
        self.funnel = Funnel(counts: counts, audienceSize: audienceSize)
        self.links = links.sorted {
            ($0.uniqueClicks, $0.clicks) != ($1.uniqueClicks, $1.clicks)
                ? ($0.uniqueClicks, $0.clicks) > ($1.uniqueClicks, $1.clicks)
                : $0.url < $1.url
        }
        self.source = source
    }

    /// The funnel's audience figure.
    public var audience: Int { funnel.audience }

    /// The figures of a campaign from its pre-aggregated counts (or none).
    public static func fromCounts(_ campaign: Campaign) -> CampaignMetrics {
        CampaignMetrics(counts: campaign.counts ?? Counts(), audienceSize: campaign.audience.size,
                        links: campaign.links ?? [], source: campaign.counts == nil ? .none : .counts)
    }
}
