import CampaignData
import Mustache

/// Site-wide facts every page's context carries under `site`.
public struct SiteInfo: Sendable {
    /// The report's brand name (shown in the header and titles).
    public var title: String
    /// When the site was generated (honours SOURCE_DATE_EPOCH).
    public var generatedAt: Timestamp
    /// Asset paths relative to the site root, e.g. "assets/style.3f2a9c1d.css".
    public var stylesheet: String
    public var favicon: String
    public var version: String

    public init(title: String = "Funnelmark", generatedAt: Timestamp, stylesheet: String, favicon: String, version: String) {
        self.title = title
        self.generatedAt = generatedAt
        self.stylesheet = stylesheet
        self.favicon = favicon
        self.version = version
    }
}

/// Stage "view model": turns campaign reports into Mustache contexts.
///
/// Every value from input data goes in as `.string` (escaped on the way
/// out); only markup Funnelmark makes (charts, vetted links) is `.trusted`.
public enum PageContext {
    // MARK: - Campaign page

    /// The parts of a campaign page's context that are the same on every campaign page of a
    /// build: made once per build rather than once per page.
    public struct CampaignShared: Sendable {
        let site: MustacheValue
        let definitions: MustacheValue

        public init(site: SiteInfo, root: String) {
            self.site = siteValue(site, root: root)
            self.definitions = .array(RateDefinition.all.map { .object(["label": .string($0.label), "formula": .string($0.formula)]) })
        }
    }

    public static func campaign(_ report: CampaignReport, slug: String, site: SiteInfo, root: String) -> MustacheValue {
        campaign(report, slug: slug, shared: CampaignShared(site: site, root: root))
    }

    public static func campaign(_ report: CampaignReport, slug: String, shared: CampaignShared) -> MustacheValue {
        let c = report.campaign
        let m = report.metrics
        let status = c.status
        let hasFigures = m.source != .none && (status == .sent || status == .sending)
        var object: MustacheObject = [
            "site": shared.site,
            "page": .object([
                "title": .string("\(c.displayName) · Campaign report"),
                "description": .string(pageDescription(report)),
                "kind": .string("campaign"),
            ]),
            "campaign": campaignValue(c, slug: slug),
            "has_figures": .bool(hasFigures),
            "partial": .bool(status == .sending),
            "counts": countsValue(m.counts),
            "rates": ratesValue(m.rates, counts: m.counts),
            "cards": .array(hasFigures ? cards(m) : []),
            "funnel": funnelValue(m.funnel, show: hasFigures),
            "links": .array(m.links.enumerated().map { linkValue($1, rank: $0 + 1, delivered: m.counts.delivered) }),
            "has_links": .bool(!m.links.isEmpty),
            "insights": insightsValue(report.insights),
            "methodology": methodologyValue(report, definitions: shared.definitions),
            "engagement": engagementValue(report.events, show: hasFigures),
        ]
        if status == .sending {
            let audience = m.funnel.audience
            object["progress"] = .object([
                "sent": .string(Format.count(m.counts.sent)),
                "audience": .string(Format.count(audience)),
                "percent": .string(audience > 0 ? Format.percent(Double(m.counts.sent) / Double(audience)) : "—"),
                "value": .int(m.counts.sent),
                "max": .int(max(audience, m.counts.sent)),
            ])
        } else {
            object["progress"] = .null
        }
        return .object(object)
    }

    static func pageDescription(_ report: CampaignReport) -> String {
        let c = report.campaign, m = report.metrics
        switch c.status {
        case .draft: return "Draft campaign \(c.displayName): configuration, not yet sent."
        case .scheduled:
            return "Campaign \(c.displayName), scheduled" + (c.scheduledAt.map { " for \(Format.dateTime($0))" } ?? "") + "."
        case .sending, .sent:
            let prefix = c.status == .sending ? "Sending so far" : "Sent"
            return "\(prefix): \(Format.count(m.counts.sent)) emails, \(Format.percent(m.rates.delivery)) delivered, \(Format.percent(m.rates.open)) opened, \(Format.percent(m.rates.click)) clicked."
        }
    }

    static func siteValue(_ site: SiteInfo, root: String) -> MustacheValue {
        .object([
            "title": .string(site.title),
            "root": .trusted(root),
            "stylesheet": .trusted(root + site.stylesheet),
            "favicon": .trusted(root + site.favicon),
            "index": .trusted(root + "index.html"),
            "generated_at": .string(Format.dateTime(site.generatedAt)),
            "generated_at_iso": .string(site.generatedAt.rfc3339),
            "version": .string(site.version),
            // Set by the one-file report only; present here so strict templates may test them.
            "inline_css": .null,
            "standalone": .bool(false),
        ])
    }

    static func optional(_ s: String?) -> MustacheValue { s.map { .string($0) } ?? .null }
    static func time(_ t: Timestamp?) -> MustacheValue {
        t.map { .object(["text": .string(Format.dateTime($0)), "date": .string(Format.date($0)), "iso": .string($0.rfc3339)]) } ?? .null
    }

    static func campaignValue(_ c: Campaign, slug: String) -> MustacheValue {
        let utm = c.utm.pairs.map { MustacheValue.object(["name": .string($0.name), "value": .string($0.value)]) }
        return .object([
            "id": .string(c.id),
            "slug": .string(slug),
            "url": .trusted("campaigns/" + slug + ".html"),
            "name": .string(c.displayName),
            "subject": optional(c.subject),
            "preheader": optional(c.preheader),
            "from_name": optional(c.fromName),
            "from_email": optional(c.fromEmail),
            "from": optional(fromLine(c)),
            "status": .string(c.status.rawValue),
            "status_label": .string(c.status.label),
            "is_draft": .bool(c.status == .draft),
            "is_scheduled": .bool(c.status == .scheduled),
            "is_sending": .bool(c.status == .sending),
            "is_sent": .bool(c.status == .sent),
            "audience_name": optional(c.audience.name),
            "audience_size": c.audience.size.map { .string(Format.count($0)) } ?? .null,
            "audience_size_raw": c.audience.size.map { .int($0) } ?? .null,
            "scheduled_at": time(c.scheduledAt),
            "sent_at": time(c.sentAt),
            "completed_at": time(c.completedAt),
            "tags": .array(c.tags.map { .string($0) }),
            "has_tags": .bool(!c.tags.isEmpty),
            "utm": .array(utm),
            "has_utm": .bool(!utm.isEmpty),
        ])
    }

    static func fromLine(_ c: Campaign) -> String? {
        switch (c.fromName, c.fromEmail) {
        case let (name?, email?): return "\(name) <\(email)>"
        case let (name?, nil): return name
        case let (nil, email?): return email
        default: return nil
        }
    }

    static func countsValue(_ counts: Counts) -> MustacheValue {
        var object = MustacheObject()
        for (name, value) in counts.fields {
            object[name] = value.map { .string(Format.count($0)) } ?? .null
            object[name + "_raw"] = value.map { .int($0) } ?? .null
        }
        return .object(object)
    }

    /// Each rate's label and formula, made once.
    static let rateTexts: [String: (label: MustacheValue, formula: MustacheValue)] = Dictionary(
        uniqueKeysWithValues: RateDefinition.all.map { ($0.key, (.string($0.label), .string($0.formula))) })

    static func ratesValue(_ rates: Rates, counts: Counts) -> MustacheValue {
        var object = MustacheObject()
        for (name, value) in rates.fields {
            let texts = rateTexts[name] ?? (.string(name), .string("?"))
            object[name] = .object([
                "percent": .string(Format.percent(value)),
                "raw": value.map { .double($0) } ?? .null,
                "available": .bool(value != nil),
                "label": texts.label,
                "formula": texts.formula,
            ])
        }
        return .object(object)
    }

    /// Health of a rate, for the colour language: healthy, warning or critical.
    public enum Tone: String, Sendable { case neutral, healthy, warning, critical }

    static func tone(_ value: Double?, warnAbove: Double, criticalAbove: Double) -> Tone {
        guard let value else { return .neutral }
        if value > criticalAbove { return .critical }
        if value > warnAbove { return .warning }
        return .healthy
    }

    /// The five metric cards of the seed page, then complaint and click-to-open rates.
    static func cards(_ m: CampaignMetrics) -> [MustacheValue] {
        let c = m.counts, r = m.rates
        func card(_ key: String, _ label: String, _ count: Int, _ rateKey: String, _ rate: Double?, _ tone: Tone, _ note: String) -> MustacheValue {
            let texts = rateTexts[rateKey] ?? (.string(rateKey), .string("?"))
            return .object([
                "key": .string(key),
                "label": .string(label),
                "count": .string(Format.count(count)),
                "rate": .string(Format.percent(rate)),
                "rate_label": texts.label,
                "formula": texts.formula,
                "tone": .string(tone.rawValue),
                "tone_label": .string(tone == .critical ? "Critical" : tone == .warning ? "Warning" : ""),
                "has_tone_label": .bool(tone == .critical || tone == .warning),
                "note": .string(note),
            ])
        }
        let deliveryTone: Tone = r.delivery.map { $0 < 0.95 ? .warning : .healthy } ?? .neutral
        let complaintTone: Tone = r.complaint.map { $0 >= 0.003 ? .critical : $0 >= 0.001 ? .warning : .healthy } ?? .neutral
        return [
            card("delivered", "Delivered", c.delivered, "delivery", r.delivery, deliveryTone, "accepted by the recipient's mail server"),
            card("opens", "Opens", c.uniqueOpens, "open", r.open, .neutral, "recipients who opened (a click counts as an open)"),
            card("clicks", "Clicks", c.uniqueClicks, "click", r.click, .neutral, "recipients who clicked a link"),
            card("bounced", "Bounced", c.bounced, "bounce", r.bounce, tone(r.bounce, warnAbove: 0.02, criticalAbove: 0.05),
                 "\(Format.count(c.hardBounced)) hard, \(Format.count(c.softBounced)) soft"),
            card("unsubscribed", "Unsubscribed", c.unsubscribed, "unsubscribe", r.unsubscribe, tone(r.unsubscribe, warnAbove: 0.005, criticalAbove: 0.01),
                 "recipients who opted out"),
            card("complaints", "Spam complaints", c.complaints, "complaint", r.complaint, complaintTone, "marked as spam"),
            card("click-to-open", "Click-to-open", c.uniqueClicks, "click_to_open", r.clickToOpen, .neutral, "openers who went on to click"),
        ]
    }

    static func funnelValue(_ funnel: Funnel, show: Bool) -> MustacheValue {
        let stages = funnel.stages.enumerated().map { i, stage -> MustacheValue in
            var drop: MustacheValue = .null
            if i > 0 {
                let d = Funnel.DropOff(from: funnel.stages[i - 1], to: stage)
                drop = .object([
                    "lost": .string(Format.count(d.lost)),
                    "percent": .string(Format.percent(d.lostFraction)),
                    "from": .string(d.from.stage.label),
                ])
            }
            return .object([
                "stage": .string(stage.stage.rawValue),
                "label": .string(stage.stage.label),
                "count": .string(Format.count(stage.count)),
                "count_raw": .int(stage.count),
                "percent": .string(stage.percentOfAudience.map { Format.percentValue($0) } ?? "—"),
                "percent_raw": stage.percentOfAudience.map { .double($0) } ?? .null,
                "drop": drop,
            ])
        }
        var largest: MustacheValue = .null
        if let d = funnel.largestDropOff {
            largest = .object([
                "from": .string(d.from.stage.label), "to": .string(d.to.stage.label),
                "lost": .string(Format.count(d.lost)), "percent": .string(Format.percent(d.lostFraction)),
            ])
        }
        let chart = FunnelChart(funnel: funnel)
        let description = chart.description
        return .object([
            "show": .bool(show),
            "stages": .array(stages),
            "chart": show ? .trustedBytes(chart.svgBytes(description: description)) : .null,
            "description": .string(description),
            "largest_drop": largest,
            "caption": .string("Each stage as a share of the audience (\(Format.count(funnel.audience)) contacts). The pale bar behind each stage is the stage before it, so the gap is the drop-off."),
        ])
    }

    static func linkValue(_ link: LinkStat, rank: Int, delivered: Int) -> MustacheValue {
        let utm = UTMParameters(linkURL: link.url)
        let pairs = utm.pairs
        return .object([
            "rank": .int(rank),
            "url": .string(link.url),
            "link": .trustedBytes(HTML.linkBytes(link.url, label: shortURL(link.url))),
            "clicks": .string(Format.count(link.clicks)),
            "unique_clicks": .string(Format.count(link.uniqueClicks)),
            "clicks_raw": .int(link.clicks),
            "unique_clicks_raw": .int(link.uniqueClicks),
            "utm_source": optional(utm.source),
            "utm_medium": optional(utm.medium),
            "utm_campaign": optional(utm.campaign),
            "utm_term": optional(utm.term),
            "utm_content": optional(utm.content),
            "has_utm": .bool(!pairs.isEmpty),
            "utm": .array(pairs.map { .object(["name": .string($0.name), "value": .string($0.value)]) }),
        ])
    }

    /// A URL without its query string or scheme, for display (the full URL is the link target).
    static func shortURL(_ url: String) -> String {
        guard url.utf8.allSatisfy({ $0 < 0x80 }) else { return shortURLCharacters(url) }
        // ASCII: the same by bytes, without the copies.
        let bytes = url.utf8
        let end = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.endIndex
        var s = url[..<end]
        for prefix in ["https://", "http://"] where HTML.hasPrefixIgnoringASCIICase(String(s), prefix) {
            s = s.dropFirst(prefix.count)
        }
        return s.isEmpty ? url : String(s)
    }

    static func shortURLCharacters(_ url: String) -> String {
        var s = url
        if let q = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = String(s[..<q]) }
        for prefix in ["https://", "http://"] where s.lowercased().hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count))
        }
        return s.isEmpty ? url : s
    }

    /// The cited source of an insight as a link. Rules cite a handful of sources, so each is
    /// made once per process.
    static func sourceLink(_ url: String, label: String) -> MustacheValue {
        if let made = sourceLinks.withLock({ $0[label] }), made.url == url { return made.link }
        let made = MustacheValue.trustedBytes(HTML.linkBytes(url, label: label))
        sourceLinks.withLock { if $0.count < 256 { $0[label] = (url, made) } }
        return made
    }

    /// Made source links by label, with the URL they link to.
    static let sourceLinks = LockedDictionary<String, (url: String, link: MustacheValue)>()

    static func insightsValue(_ insights: [Insight]) -> MustacheValue {
        func item(_ i: Insight) -> MustacheValue {
            .object([
                "id": .string(i.id),
                "kind": .string(i.kind.rawValue),
                "severity": .string(i.severity.rawValue),
                "severity_label": .string(i.severity.label),
                "title": .string(i.title),
                "detail": .string(i.detail),
                "evidence": .array(i.evidence.map { .string($0) }),
                "has_evidence": .bool(!i.evidence.isEmpty),
                "source": optional(i.source),
                "source_link": i.source.map { sourceLink(i.sourceURL ?? "", label: $0) } ?? .null,
            ])
        }
        let groups: [(String, String, InsightKind)] = [
            ("summary", "Summary", .summary), ("anomalies", "Anomalies", .anomaly), ("recommendations", "Recommendations", .recommendation),
        ]
        let all = insights.map(item)
        var object: MustacheObject = ["all": .array(all), "has_any": .bool(!insights.isEmpty)]
        var groupList: [MustacheValue] = []
        for (key, label, kind) in groups {
            let items = insights.indices.filter { insights[$0].kind == kind }.map { all[$0] }
            object[key] = .array(items)
            if !items.isEmpty {
                groupList.append(.object(["key": .string(key), "label": .string(label), "items": .array(items)]))
            }
        }
        object["groups"] = .array(groupList)
        return .object(object)
    }

    /// Event-level extras: the engagement timeline, time to first open, email clients and devices.
    static func engagementValue(_ events: CampaignEvents?, show: Bool) -> MustacheValue {
        guard show, let events else { return .object(["show": .bool(false)]) }
        func shares(_ list: [ClientBreakdown.Share]) -> MustacheValue {
            let total = list.reduce(0) { $0 + $1.recipients }
            return .array(list.map {
                .object(["name": .string($0.name), "count": .string(Format.count($0.recipients)),
                         "percent": .string(total > 0 ? Format.percent(Double($0.recipients) / Double(total)) : "—")])
            })
        }
        var object: MustacheObject = [
            "show": .bool(true),
            "median_first_open": events.medianSecondsToFirstOpen.map { .string(Format.duration(seconds: $0)) } ?? .null,
            "clients": shares(events.clients.clients),
            "devices": shares(events.clients.devices),
            "platforms": shares(events.clients.platforms),
            "has_clients": .bool(!events.clients.clients.isEmpty),
            "events": .string(Format.count(events.eventCount)),
            "timeline": .null,
        ]
        if let timeline = events.timeline {
            let chart = TimelineChart(timeline: timeline)
            let days = chart.days.enumerated().map { d, v -> MustacheValue in
                let date = Timestamp(epochSeconds: timeline.start.epochSeconds + Double(d * 86_400), utcOffsetSeconds: timeline.start.utcOffsetSeconds)
                return .object(["label": .string("Day \(d + 1) (\(Format.date(date)))"), "opens": .string(Format.count(v.opens)), "clicks": .string(Format.count(v.clicks))])
            }
            object["timeline"] = .object([
                "chart": .trusted(chart.svg.html),
                "description": .string(chart.description),
                "start": .string(Format.dateTime(timeline.start)),
                "days": .array(days),
            ])
        }
        return .object(object)
    }

    static func methodologyValue(_ report: CampaignReport, definitions: MustacheValue) -> MustacheValue {
        let source: String
        switch report.metrics.source {
        case .events: source = "computed from event files (each figure counts distinct recipients unless it says events)"
        case .counts: source = "taken from the pre-aggregated counts in campaigns.json"
        case .none: source = "none yet: this campaign has no figures"
        }
        return .object(["source": .string(source), "definitions": definitions])
    }

    // MARK: - Overview page

    /// Above this many campaigns the overview shows the newest ones and links
    /// to one page per month, so it stays light (about 60 KB) at any size.
    public static let overviewLimit = 100

    /// One overview row, with links relative to a page at `root`.
    static func overviewRow(_ r: CampaignReport, slug: String, root: String) -> MustacheValue {
        let c = r.campaign, m = r.metrics
        let shows = m.source != .none && (c.status == .sent || c.status == .sending)
        func rate(_ v: Double?) -> MustacheValue { .string(shows ? Format.percent(v) : "—") }
        let when = c.sentAt ?? c.scheduledAt
        return .object([
            "name": .string(c.displayName),
            "url": .trusted(root + "campaigns/" + slug + ".html"),
            "status": .string(c.status.rawValue),
            "status_label": .string(c.status.label),
            "date": .string(when.map(Format.date) ?? "—"),
            "date_iso": when.map { .string($0.rfc3339) } ?? .null,
            "date_note": .string(c.sentAt != nil ? "" : c.scheduledAt != nil ? "scheduled" : ""),
            "audience": .string(m.funnel.audience > 0 || c.audience.size != nil ? Format.count(m.funnel.audience) : "—"),
            "delivery": rate(m.rates.delivery),
            "open": rate(m.rates.open),
            "click": rate(m.rates.click),
            "bounce": rate(m.rates.bounce),
            "unsubscribe": rate(m.rates.unsubscribe),
            "bounce_tone": .string(shows ? tone(m.rates.bounce, warnAbove: 0.02, criticalAbove: 0.05).rawValue : "neutral"),
            "unsubscribe_tone": .string(shows ? tone(m.rates.unsubscribe, warnAbove: 0.005, criticalAbove: 0.01).rawValue : "neutral"),
        ])
    }

    /// A month of campaigns: key "2026-06" (or "undated"), label "June 2026".
    public struct MonthGroup: Sendable {
        public var key: String
        public var label: String
        /// Indices into the reports, newest first.
        public var indices: [Int]
        public var fileName: String { "months/\(key).html" }
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    /// Campaigns grouped by the month of their send (else scheduled) time, newest month first; undated last.
    public static func months(_ reports: [CampaignReport], order: [Int]? = nil) -> [MonthGroup] {
        var groups: [String: MonthGroup] = [:]
        var keys: [String] = []
        for i in order ?? overviewOrder(reports) {
            let when = reports[i].campaign.sentAt ?? reports[i].campaign.scheduledAt
            let key = when.map(Format.monthKey) ?? "undated"
            if groups[key] == nil {
                let label = when.map { "\(monthNames[$0.civil.month - 1]) \($0.civil.year)" } ?? "Not yet scheduled"
                groups[key] = MonthGroup(key: key, label: label, indices: [])
                keys.append(key)
            }
            groups[key]!.indices.append(i)
        }
        return keys.map { groups[$0]! }
    }

    /// The context of one month's page (under months/).
    public static func month(_ months: [MonthGroup], at position: Int, reports: [CampaignReport], slugs: [String], site: SiteInfo) -> MustacheValue {
        let group = months[position]
        func neighbour(_ p: Int) -> MustacheValue {
            guard months.indices.contains(p) else { return .null }
            return .object(["label": .string(months[p].label), "url": .trusted("../" + months[p].fileName)])
        }
        return .object([
            "site": siteValue(site, root: "../"),
            "page": .object([
                "title": .string("\(group.label) · \(site.title) campaign reports"),
                "description": .string("\(Format.count(group.indices.count)) email campaigns of \(group.label): delivery, opens, clicks, bounces and unsubscribes."),
                "kind": .string("month"),
            ]),
            "month": .object(["key": .string(group.key), "label": .string(group.label), "count": .string(Format.count(group.indices.count))]),
            "newer": neighbour(position - 1),
            "older": neighbour(position + 1),
            "campaigns": .array(group.indices.map { overviewRow(reports[$0], slug: slugs[$0], root: "../") }),
            "has_campaigns": .bool(!group.indices.isEmpty),
        ])
    }

    // MARK: - Overview page

    public static func overview(_ reports: [CampaignReport], slugs: [String], site: SiteInfo,
                                order: [Int]? = nil, months: [MonthGroup]? = nil) -> MustacheValue {
        let order = order ?? overviewOrder(reports)
        let paged = reports.count > overviewLimit
        let rows = (paged ? Array(order.prefix(overviewLimit)) : order).map { overviewRow(reports[$0], slug: slugs[$0], root: "") }
        let monthList: [MustacheValue] = paged ? (months ?? Self.months(reports, order: order)).map {
            .object(["label": .string($0.label), "count": .string(Format.count($0.indices.count)), "url": .trusted($0.fileName)])
        } : []
        // Totals across sent campaigns.
        var total = Counts()
        var sentCount = 0
        var audience = 0
        var statusCount: [CampaignStatus: Int] = [:]
        for i in reports.indices {
            let status = reports[i].campaign.status
            statusCount[status, default: 0] += 1
            guard status == .sent && reports[i].metrics.source != .none else { continue }
            sentCount += 1
            let c = reports[i].metrics.counts
            total.sent += c.sent; total.delivered += c.delivered; total.bounced += c.bounced
            total.hardBounced += c.hardBounced; total.softBounced += c.softBounced
            total.uniqueOpens += c.uniqueOpens; total.totalOpens += c.totalOpens
            total.uniqueClicks += c.uniqueClicks; total.totalClicks += c.totalClicks
            total.unsubscribed += c.unsubscribed; total.complaints += c.complaints; total.dropped += c.dropped
            audience += reports[i].metrics.funnel.audience
        }
        let rates = Rates(total)
        var statusCounts: [MustacheValue] = []
        for status in CampaignStatus.allCases {
            let n = statusCount[status] ?? 0
            statusCounts.append(.object(["status": .string(status.rawValue), "label": .string(status.label), "count": .int(n)]))
        }
        return .object([
            "site": siteValue(site, root: ""),
            "page": .object([
                "title": .string("\(site.title) · Campaign reports"),
                "description": .string("Performance of \(Format.count(reports.count)) email campaigns: delivery, opens, clicks, bounces and unsubscribes."),
                "kind": .string("overview"),
            ]),
            "campaigns": .array(rows),
            "campaign_count": .string(Format.count(reports.count)),
            "paged": .bool(paged),
            "shown_count": .string(Format.count(rows.count)),
            "months": .array(monthList),
            "has_campaigns": .bool(!reports.isEmpty),
            "statuses": .array(statusCounts),
            "totals": .object([
                "campaigns": .string(Format.count(sentCount)),
                "has_any": .bool(sentCount > 0),
                "audience": .string(Format.count(audience)),
                "sent": .string(Format.count(total.sent)),
                "delivered": .string(Format.count(total.delivered)),
                "opens": .string(Format.count(total.uniqueOpens)),
                "clicks": .string(Format.count(total.uniqueClicks)),
                "bounced": .string(Format.count(total.bounced)),
                "unsubscribed": .string(Format.count(total.unsubscribed)),
                "complaints": .string(Format.count(total.complaints)),
                "delivery": .string(Format.percent(rates.delivery)),
                "open": .string(Format.percent(rates.open)),
                "click": .string(Format.percent(rates.click)),
                "bounce": .string(Format.percent(rates.bounce)),
                "unsubscribe": .string(Format.percent(rates.unsubscribe)),
            ]),
        ])
    }

    /// Newest first: by send time (else scheduled time), undated last, then by id.
    public static func overviewOrder(_ reports: [CampaignReport]) -> [Int] {
        // Each campaign's time read once, not at every comparison.
        let times = reports.map { ($0.campaign.sentAt ?? $0.campaign.scheduledAt)?.epochSeconds }
        return reports.indices.sorted { a, b in
            switch (times[a], times[b]) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return reports[a].campaign.id < reports[b].campaign.id
            }
        }
    }
}
