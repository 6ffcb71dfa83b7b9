import Testing
@testable import CampaignData

/// Builds engine inputs from counts, the way the metrics stage would.
func insightInput(_ id: String = "c1", status: CampaignStatus = .sent, audience: Int? = nil, audienceName: String? = nil,
                  sentAt: Double? = nil, counts: Counts?, links: [LinkStat] = [], utm: UTMParameters = UTMParameters(),
                  clickersWithoutOpen: Int? = nil) -> InsightInput {
    let campaign = Campaign(id: id, status: status, audience: Audience(name: audienceName, size: audience),
                            sentAt: sentAt.map { Timestamp(epochSeconds: $0) }, utm: utm, counts: counts, links: links)
    let metrics = CampaignMetrics(counts: counts ?? Counts(), audienceSize: audience, links: links,
                                  source: counts == nil ? .none : .counts)
    return InsightInput(campaign: campaign, metrics: metrics, clickersWithoutOpen: clickersWithoutOpen)
}

/// Healthy figures for 10,000 sent: nothing in them crosses a default threshold (except the funnel's drop-off).
func healthyCounts(sent: Int = 10_000) -> Counts {
    Counts(sent: sent, delivered: sent, bounced: 0, hardBounced: 0, softBounced: 0,
           uniqueOpens: sent / 5, totalOpens: sent / 4, humanUniqueOpens: sent / 5,
           uniqueClicks: sent / 40, totalClicks: sent / 30, unsubscribed: 0, complaints: 0, dropped: 0)
}

/// Runs the engine on one campaign with no history.
func insights(_ input: InsightInput, config: InsightConfig = .default) -> [Insight] {
    InsightEngine.insights(for: [input], config: config)[0]
}

/// The insight with this id, if produced.
func insight(_ id: String, in list: [Insight]) -> Insight? {
    list.first { $0.id == id }
}

/// The severity the rule `id` gives this input, or nil when it says nothing.
func severity(_ id: String, _ input: InsightInput, config: InsightConfig = .default) -> InsightSeverity? {
    insight(id, in: insights(input, config: config))?.severity
}
