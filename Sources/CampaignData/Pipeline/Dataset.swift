/// Everything known about one campaign after the data stages: its metadata,
/// figures, event-level extras and insights.
public struct CampaignReport: Sendable {
    public var campaign: Campaign
    public var metrics: CampaignMetrics
    /// Event-level extras (timeline, clients…) when the campaign has events.
    public var events: CampaignEvents? {
        get { eventsBox?.value }
        set { eventsBox = newValue.map(EventsBox.init) }
    }
    public var insights: [Insight]
    /// Whether the report has event-level extras (without copying them out).
    public var hasEvents: Bool { eventsBox != nil }
    /// The extras out of line: they are large, and most reports of a large site have none.
    private var eventsBox: EventsBox?

    private final class EventsBox: Sendable {
        let value: CampaignEvents
        init(_ value: CampaignEvents) { self.value = value }
    }

    public init(campaign: Campaign, metrics: CampaignMetrics, events: CampaignEvents?, insights: [Insight]) {
        self.campaign = campaign
        self.metrics = metrics
        self.eventsBox = events.map(EventsBox.init)
        self.insights = insights
    }
}

/// The result of the data stages for a whole data folder.
public struct Dataset: Sendable {
    public var reports: [CampaignReport]
    /// Computes insights on demand (when the reports were assembled without them).
    public var insightEvaluator: InsightEvaluator
    /// Whether `reports[i].insights` are filled in; otherwise ask `insights(at:)`.
    public var insightsComputed: Bool
    /// Event files read, in order.
    public var eventFiles: [String]
    /// Rows skipped with `--skip-bad-rows`, the first few with their locations.
    public var badRows: [BadRow]
    public var skippedRowCount: Int
}

extension Dataset {
    /// Campaign `index`'s report with its insights, computed now if the dataset was loaded without them.
    public func report(at index: Int) -> CampaignReport {
        if insightsComputed { return reports[index] }
        var report = reports[index]
        report.insights = insightEvaluator.insights(at: index)
        return report
    }
}

/// Runs load → validate → aggregate → metrics → insights on a data folder.
public enum DatasetLoader {
    /// - Parameter computeInsights: false leaves `insights` empty for `Dataset.insights(at:)` to
    ///   compute when needed, so a large site never holds every campaign's insights at once.
    public static func load(dataDirectory: String, config: InsightConfig = .default,
                            eventOptions: EventLoadOptions = EventLoadOptions(), computeInsights: Bool = true) throws -> Dataset {
        let campaigns = try CampaignLoader.load(dataDirectory: dataDirectory)
        let files = try EventLoader.eventFiles(in: dataDirectory)
        // Events need each campaign's sent_at; without event files nothing reads it.
        var sentAt: [String: Timestamp?] = [:]
        if !files.isEmpty {
            sentAt.reserveCapacity(campaigns.count)
            for campaign in campaigns { sentAt[campaign.id] = campaign.sentAt }
        }
        let events = try EventLoader.load(files: files, campaigns: sentAt, options: eventOptions)
        return assemble(campaigns: campaigns, events: events, config: config, computeInsights: computeInsights)
    }

    /// Picks each campaign's figures (events win over `counts`) and runs the insight rules.
    public static func assemble(campaigns: [Campaign], events: EventData, config: InsightConfig, computeInsights: Bool = true) -> Dataset {
        let count = campaigns.count
        let anyEvents = !events.campaigns.isEmpty
        // Each campaign's figures, insight input and report, on every core, written straight into place.
        var reports: [CampaignReport] = []
        let inputs = [InsightInput](unsafeUninitializedCapacity: count) { inputBuffer, inputCount in
            reports = [CampaignReport](unsafeUninitializedCapacity: count) { reportBuffer, reportCount in
                let inputsOut = UncheckedBuffer(inputBuffer), reportsOut = UncheckedBuffer(reportBuffer)
                parallelFor(count, grain: 256) { i in
                    let campaign = campaigns[i]
                    let metrics: CampaignMetrics
                    let fromEvents = anyEvents ? events.campaigns[campaign.id] : nil
                    if let fromEvents {
                        metrics = CampaignMetrics(counts: fromEvents.counts, audienceSize: campaign.audience.size,
                                                  links: fromEvents.links, source: .events)
                    } else {
                        metrics = CampaignMetrics.fromCounts(campaign)
                    }
                    inputsOut.buffer.initializeElement(at: i, to: InsightInput(campaign: campaign, metrics: metrics,
                                                                              clickersWithoutOpen: fromEvents?.clickersWithoutOpen))
                    reportsOut.buffer.initializeElement(at: i, to: CampaignReport(campaign: campaign, metrics: metrics,
                                                                                 events: fromEvents, insights: []))
                }
                reportCount = count
            }
            inputCount = count
        }
        let evaluator = InsightEvaluator(inputs: inputs, config: config)
        if computeInsights {
            for (i, insights) in parallelMap(count, { evaluator.insights(at: $0) }).enumerated() { reports[i].insights = insights }
        }
        return Dataset(reports: reports, insightEvaluator: evaluator, insightsComputed: computeInsights,
                       eventFiles: events.files, badRows: events.badRows, skippedRowCount: events.skippedRowCount)
    }
}
