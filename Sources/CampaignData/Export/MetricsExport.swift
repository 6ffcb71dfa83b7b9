/// The JSON of DESIGN.md ("JSON output") and the CSV export, written by hand
/// so key order and number formatting are fixed and output is byte-stable.
public enum MetricsExport {
    // MARK: - JSON

    public static func json(_ reports: [CampaignReport]) -> String {
        // The pieces first, then one string of their total size (no regrowing a large string).
        let chunks = Array(jsonChunks(reports))
        var out = ""
        out.reserveCapacity(chunks.reduce(0) { $0 + $1.utf8.count })
        for chunk in chunks { out += chunk }
        return out
    }

    /// The same JSON in pieces of about 256 KB, so a large export is never one huge string.
    public static func jsonChunks(_ reports: [CampaignReport]) -> JSONChunks {
        JSONChunks(count: reports.count) { campaignJSON(reports[$0]) }
    }

    public struct JSONChunks: Sequence, IteratorProtocol {
        let count: Int
        let item: (Int) -> String
        var position = 0
        var done = false

        public mutating func next() -> String? {
            if done { return nil }
            var out = position == 0 ? "{\"campaigns\": [" : ""
            while position < count, out.utf8.count < 256 * 1024 {
                out += position == 0 ? "\n" : ",\n"
                out += item(position)
                position += 1
            }
            if position == count {
                out += count == 0 ? "]}\n" : "\n]}\n"
                done = true
            }
            return out
        }
    }

    /// One campaign's object of the JSON output.
    public static func campaignJSON(_ r: CampaignReport) -> String {
        campaignJSONText(r).finish()
    }

    /// `campaignJSON(r)` as UTF-8 bytes, made without a string (nor its validation).
    public static func campaignJSONBytes(_ r: CampaignReport) -> [UInt8] { campaignJSONText(r).finishBytes() }

    static func campaignJSONText(_ r: CampaignReport) -> ExportText {
        let c = r.campaign, m = r.metrics
        var o = ExportText(capacity: 1024 + r.insights.count * 768)
        o.ascii("  {\"id\": ")
        o.jsonString(c.id)
        o.ascii(", \"name\": ")
        o.jsonString(c.displayName)
        o.ascii(", \"status\": ")
        o.jsonString(c.status.rawValue)
        o.ascii(",\n   \"audience\": ")
        o.int(m.audience)
        o.ascii(", \"audience_name\": ")
        if let name = c.audience.name { o.jsonString(name) } else { o.ascii("null") }
        o.ascii(",\n   \"counts\": {")
        writeCounts(m.counts) { name, value in
            o.ascii(name.jsonMember)
            if let value { o.int(value) } else { o.ascii("null") }
        }
        o.ascii("},\n   \"rates\": {")
        writeRates(m.rates) { name, value in
            o.ascii(name.jsonMember)
            o.jsonNumber(value)
        }
        o.ascii("},\n   \"funnel\": [")
        for (i, stage) in m.funnel.stages.enumerated() {
            o.ascii(i == 0 ? "{\"stage\": " : ", {\"stage\": ")
            o.jsonString(stage.stage.rawValue)
            o.ascii(", \"count\": ")
            o.int(stage.count)
            o.ascii(", \"percent_of_audience\": ")
            o.jsonNumber(stage.percentOfAudience)
            o.byte(UInt8(ascii: "}"))
        }
        o.ascii("],\n   \"links\": [")
        let links = m.links
        for i in links.indices {
            o.ascii(i == 0 ? "{\"url\": " : ", {\"url\": ")
            o.jsonString(links[i].url)
            o.ascii(", \"clicks\": ")
            o.int(links[i].clicks)
            o.ascii(", \"unique_clicks\": ")
            o.int(links[i].uniqueClicks)
            o.byte(UInt8(ascii: "}"))
        }
        o.ascii("],\n   \"insights\": [")
        // By index: reading an insight's fields one by one copies none of the others.
        let insights = r.insights
        for i in insights.indices {
            o.ascii(i == 0 ? "{\"id\": " : ",\n     {\"id\": ")
            o.jsonString(insights[i].id)
            o.ascii(kindAndSeverityMembers(insights[i].kind, insights[i].severity))
            o.jsonString(insights[i].title)
            o.ascii(", \"detail\": ")
            o.jsonString(insights[i].detail)
            o.byte(UInt8(ascii: "}"))
        }
        o.ascii("]}")
        return o
    }

    /// `, "kind": "anomaly", "severity": "warning", "title": `: the members between an insight's id
    /// and its title, written as one piece (kinds and severities are plain words: nothing to escape).
    static func kindAndSeverityMembers(_ kind: InsightKind, _ severity: InsightSeverity) -> StaticString {
        switch (kind, severity) {
        case (.summary, .info): ", \"kind\": \"summary\", \"severity\": \"info\", \"title\": "
        case (.summary, .notice): ", \"kind\": \"summary\", \"severity\": \"notice\", \"title\": "
        case (.summary, .warning): ", \"kind\": \"summary\", \"severity\": \"warning\", \"title\": "
        case (.summary, .critical): ", \"kind\": \"summary\", \"severity\": \"critical\", \"title\": "
        case (.anomaly, .info): ", \"kind\": \"anomaly\", \"severity\": \"info\", \"title\": "
        case (.anomaly, .notice): ", \"kind\": \"anomaly\", \"severity\": \"notice\", \"title\": "
        case (.anomaly, .warning): ", \"kind\": \"anomaly\", \"severity\": \"warning\", \"title\": "
        case (.anomaly, .critical): ", \"kind\": \"anomaly\", \"severity\": \"critical\", \"title\": "
        case (.recommendation, .info): ", \"kind\": \"recommendation\", \"severity\": \"info\", \"title\": "
        case (.recommendation, .notice): ", \"kind\": \"recommendation\", \"severity\": \"notice\", \"title\": "
        case (.recommendation, .warning): ", \"kind\": \"recommendation\", \"severity\": \"warning\", \"title\": "
        case (.recommendation, .critical): ", \"kind\": \"recommendation\", \"severity\": \"critical\", \"title\": "
        }
    }

    /// A JSON number, or null; shortest round-trip form, never exponent-free garbage like "nan".
    public static func jsonNumber(_ value: Double?) -> String {
        var o = ExportText(capacity: 0)
        o.jsonNumber(value)
        return o.finish()
    }

    /// A JSON string literal with the escapes RFC 8259 requires (and U+2028/U+2029 escaped for JavaScript).
    public static func jsonString(_ s: String) -> String {
        var o = ExportText(capacity: s.utf8.count + 2)
        o.jsonString(s)
        return o.finish()
    }

    // MARK: - Fields in order

    /// The count fields of `Counts.fields`, in its order, with their JSON keys.
    enum CountField: CaseIterable {
        case sent, delivered, bounced, hardBounced, softBounced, uniqueOpens, totalOpens, humanUniqueOpens, uniqueClicks,
             totalClicks, unsubscribed, complaints, dropped

        /// `"sent": `, `, "delivered": `: the key with the comma before it (the first member has none).
        var jsonMember: StaticString {
            switch self {
            case .sent: "\"sent\": "
            case .delivered: ", \"delivered\": "
            case .bounced: ", \"bounced\": "
            case .hardBounced: ", \"hard_bounced\": "
            case .softBounced: ", \"soft_bounced\": "
            case .uniqueOpens: ", \"unique_opens\": "
            case .totalOpens: ", \"total_opens\": "
            case .humanUniqueOpens: ", \"human_unique_opens\": "
            case .uniqueClicks: ", \"unique_clicks\": "
            case .totalClicks: ", \"total_clicks\": "
            case .unsubscribed: ", \"unsubscribed\": "
            case .complaints: ", \"complaints\": "
            case .dropped: ", \"dropped\": "
            }
        }
    }

    /// Calls `body` with each count of `Counts.fields`, in order, without building the list.
    static func writeCounts(_ c: Counts, _ body: (CountField, Int?) -> Void) {
        body(.sent, c.sent)
        body(.delivered, c.delivered)
        body(.bounced, c.bounced)
        body(.hardBounced, c.hardBounced)
        body(.softBounced, c.softBounced)
        body(.uniqueOpens, c.uniqueOpens)
        body(.totalOpens, c.totalOpens)
        body(.humanUniqueOpens, c.humanUniqueOpens)
        body(.uniqueClicks, c.uniqueClicks)
        body(.totalClicks, c.totalClicks)
        body(.unsubscribed, c.unsubscribed)
        body(.complaints, c.complaints)
        body(.dropped, c.dropped)
    }

    /// The rate fields of `Rates.fields`, in its order, with their JSON keys.
    enum RateField: CaseIterable {
        case delivery, open, humanOpen, click, clickToOpen, bounce, hardBounce, unsubscribe, complaint

        /// `"delivery": `, `, "open": `: the key with the comma before it (the first member has none).
        var jsonMember: StaticString {
            switch self {
            case .delivery: "\"delivery\": "
            case .open: ", \"open\": "
            case .humanOpen: ", \"human_open\": "
            case .click: ", \"click\": "
            case .clickToOpen: ", \"click_to_open\": "
            case .bounce: ", \"bounce\": "
            case .hardBounce: ", \"hard_bounce\": "
            case .unsubscribe: ", \"unsubscribe\": "
            case .complaint: ", \"complaint\": "
            }
        }
    }

    /// Calls `body` with each rate of `Rates.fields`, in order, without building the list.
    static func writeRates(_ r: Rates, _ body: (RateField, Double?) -> Void) {
        body(.delivery, r.delivery)
        body(.open, r.open)
        body(.humanOpen, r.humanOpen)
        body(.click, r.click)
        body(.clickToOpen, r.clickToOpen)
        body(.bounce, r.bounce)
        body(.hardBounce, r.hardBounce)
        body(.unsubscribe, r.unsubscribe)
        body(.complaint, r.complaint)
    }

    // MARK: - CSV

    /// Columns of metrics.csv, in order (documented in README.md).
    public static let csvColumns: [String] = ["id", "name", "status", "audience_name", "audience", "sent_at"]
        + Counts.fieldNames + Rates().fields.map { "\($0.name)_rate" } + ["insights"]

    public static func csv(_ reports: [CampaignReport]) -> String {
        csvHeader + reports.map(csvRow).joined()
    }

    /// The header line of metrics.csv.
    public static var csvHeader: String { csvColumns.joined(separator: ",") + "\r\n" }

    /// One campaign's line of metrics.csv.
    public static func csvRow(_ r: CampaignReport) -> String {
        csvRowText(r).finish()
    }

    /// `csvRow(r)` as UTF-8 bytes, made without a string (nor its validation).
    public static func csvRowBytes(_ r: CampaignReport) -> [UInt8] { csvRowText(r).finishBytes() }

    static func csvRowText(_ r: CampaignReport) -> ExportText {
        let c = r.campaign, m = r.metrics
        var o = ExportText(capacity: 256)
        o.csvField(c.id)
        o.byte(UInt8(ascii: ","))
        o.csvField(c.displayName)
        o.byte(UInt8(ascii: ","))
        o.csvField(c.status.rawValue)
        o.byte(UInt8(ascii: ","))
        o.csvField(c.audience.name ?? "")
        o.byte(UInt8(ascii: ","))
        // Numbers and these times never need quoting or formula protection.
        o.int(m.audience)
        o.byte(UInt8(ascii: ","))
        if let at = c.sentAt { o.timestamp(at) }
        writeCounts(m.counts) { _, value in
            o.byte(UInt8(ascii: ","))
            if let value { o.int(value) }
        }
        writeRates(m.rates) { _, value in
            o.byte(UInt8(ascii: ","))
            if let value { o.jsonNumber(value) }
        }
        o.byte(UInt8(ascii: ","))
        o.insightIDs(r.insights)
        o.ascii("\r\n")
        return o
    }

    /// The ids of the insights other than summaries, separated by spaces.
    static func insightIDs(_ insights: [Insight]) -> String {
        var ids = ""
        for insight in insights where insight.kind != .summary {
            if !ids.isEmpty { ids += " " }
            ids += insight.id
        }
        return ids
    }

    /// Columns of links.csv: one row per link of every campaign, in campaign order.
    public static let linkColumns = ["campaign_id", "url", "clicks", "unique_clicks", "utm_source", "utm_medium", "utm_campaign",
                                     "utm_term", "utm_content"]

    public static var linksCSVHeader: String { linkColumns.joined(separator: ",") + "\r\n" }

    /// A campaign's rows of links.csv (none when it has no links).
    public static func linksCSVRows(_ report: CampaignReport) -> String {
        guard !report.metrics.links.isEmpty else { return "" }
        return linksCSVText(report).finish()
    }

    /// `linksCSVRows(report)` as UTF-8 bytes, made without a string (nor its validation).
    public static func linksCSVRowsBytes(_ report: CampaignReport) -> [UInt8] {
        report.metrics.links.isEmpty ? [] : linksCSVText(report).finishBytes()
    }

    static func linksCSVText(_ report: CampaignReport) -> ExportText {
        var o = ExportText(capacity: report.metrics.links.count * 160)
        for link in report.metrics.links {
            let utm = LinkUTM(url: link.url)
            o.csvField(report.campaign.id)
            o.byte(UInt8(ascii: ","))
            o.csvField(link.url)
            o.byte(UInt8(ascii: ","))
            o.int(link.clicks)
            o.byte(UInt8(ascii: ","))
            o.int(link.uniqueClicks)
            for slot in 0..<5 {
                o.byte(UInt8(ascii: ","))
                if let value = utm[slot] { o.csvField(value) }
            }
            o.ascii("\r\n")
        }
        return o
    }

    /// links.csv for these campaigns.
    public static func linksCSV(_ reports: [CampaignReport]) -> String {
        reports.reduce(linksCSVHeader) { $0 + linksCSVRows($1) }
    }

    /// RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets never run it as a formula.
    public static func csvField(_ value: String) -> String {
        var o = ExportText(capacity: value.utf8.count + 2)
        o.csvField(value)
        return o.finish()
    }
}
