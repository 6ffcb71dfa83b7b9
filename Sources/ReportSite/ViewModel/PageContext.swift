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
    /// The keys the build's templates can look up in a campaign page's context
    /// (`PageRenderer.campaignPageKeys()`): campaign pages' contexts leave every other field out,
    /// without working out its value. Every key unless set.
    public var campaignPageKeys: ReadableKeys = .all

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
        /// The fields of each of the page's objects that the templates read (`site.campaignPageKeys`).
        let fields: CampaignFields

        public init(site: SiteInfo, root: String) {
            fields = CampaignFields(site.campaignPageKeys)
            self.site = siteValue(site, root: root, fields: fields.site)
            self.definitions = .array(RateDefinition.all.map { .object(["label": .string($0.label), "formula": .string($0.formula)]) })
        }
    }

    /// The fields of every object of a campaign page's context that the build's templates can
    /// read, worked out once per build from each object's `Keys`. A class, so that a page holds
    /// it with one reference count rather than one per object kind.
    final class CampaignFields: Sendable {
        typealias Fields = MustacheObject.ReadFields
        let page, info, progress, campaign, time, utm, counts, rates, rate, card: Fields
        let funnel, stage, drop, largestDrop, link, insight, insights, insightGroup: Fields
        let engagement, noEngagement, share, timeline, day, methodology, site: Fields

        init(_ readable: ReadableKeys) {
            func fields(_ keys: MustacheObject.Keys) -> Fields { Fields(keys, reading: readable) }
            page = fields(campaignPageKeys)
            info = fields(pageKeys)
            progress = fields(progressKeys)
            campaign = fields(campaignKeys)
            time = fields(timeKeys)
            utm = fields(utmKeys)
            counts = fields(countKeys)
            rates = fields(ratesKeys)
            rate = fields(rateKeys)
            card = fields(cardKeys)
            funnel = fields(funnelKeys)
            stage = fields(stageKeys)
            drop = fields(dropKeys)
            largestDrop = fields(largestDropKeys)
            link = fields(linkKeys)
            insight = fields(insightKeys)
            insights = fields(insightsKeys)
            insightGroup = fields(insightGroupKeys)
            engagement = fields(engagementKeys)
            noEngagement = fields(noEngagementKeys)
            share = fields(shareKeys)
            timeline = fields(timelineKeys)
            day = fields(dayKeys)
            methodology = fields(methodologyKeys)
            site = fields(siteKeys)
        }
    }

    public static func campaign(_ report: CampaignReport, slug: String, site: SiteInfo, root: String) -> MustacheValue {
        campaign(report, slug: slug, shared: CampaignShared(site: site, root: root))
    }

    /// The fields of a campaign page's context. Objects with fixed fields are made from `Keys`
    /// declared beside the code that fills them, values in the same order: hashed once per
    /// process, not once per page.
    static let campaignPageKeys: MustacheObject.Keys = [
        "site", "page", "campaign", "has_figures", "partial", "counts", "rates", "cards", "funnel", "links",
        "has_links", "insights", "methodology", "engagement", "progress",
    ]
    static let pageKeys: MustacheObject.Keys = ["title", "description", "kind"]
    static let progressKeys: MustacheObject.Keys = ["sent", "audience", "percent", "value", "max"]

    public static func campaign(_ report: CampaignReport, slug: String, shared: CampaignShared) -> MustacheValue {
        let c = report.campaign
        let m = report.metrics
        let status = c.status
        let hasFigures = m.source != .none && (status == .sent || status == .sending)
        let f = shared.fields
        var figures = FigureTexts()
        var page = MustacheObject.Builder(f.page)
        page.add(shared.site)
        page.add({
            var info = MustacheObject.Builder(f.info)
            info.add(.string(c.displayName + " · Campaign report"))
            info.add(.string(pageDescription(report, figures: &figures)))
            info.add(.string("campaign"))
            return info.value()
        }())
        page.add(campaignValue(c, slug: slug, fields: f))
        page.add(.bool(hasFigures))
        page.add(.bool(status == .sending))
        page.add(countsValue(m.counts, figures: &figures, fields: f.counts))
        page.add(ratesValue(m.rates, figures: &figures, fields: f))
        page.add(.array(hasFigures ? cards(m, figures: &figures, fields: f.card) : []))
        page.add(funnelValue(m.funnel, show: hasFigures, figures: &figures, fields: f))
        page.add({
            var values: [MustacheValue] = []
            values.reserveCapacity(m.links.count)
            for (i, link) in m.links.enumerated() { values.append(linkValue(link, rank: i + 1, fields: f)) }
            return .array(values)
        }())
        page.add(.bool(!m.links.isEmpty))
        page.add(insightsValue(report.insights, fields: f))
        page.add(methodologyValue(report, definitions: shared.definitions, fields: f.methodology))
        page.add(engagementValue(report.events, show: hasFigures, fields: f))
        page.add({
            guard status == .sending else { return .null }
            let audience = m.funnel.audience
            var progress = MustacheObject.Builder(f.progress)
            progress.add(.string(figures.count(m.counts.sent)))
            progress.add(.string(figures.count(audience)))
            progress.add(.string(audience > 0 ? figures.percent(Double(m.counts.sent) / Double(audience)) : "—"))
            progress.add(.int(m.counts.sent))
            progress.add(.int(max(audience, m.counts.sent)))
            return progress.value()
        }())
        return page.value()
    }

    static func pageDescription(_ report: CampaignReport) -> String {
        var figures = FigureTexts()
        return pageDescription(report, figures: &figures)
    }

    static func pageDescription(_ report: CampaignReport, figures: inout FigureTexts) -> String {
        let c = report.campaign, m = report.metrics
        switch c.status {
        case .draft: return "Draft campaign \(c.displayName): configuration, not yet sent."
        case .scheduled:
            return "Campaign \(c.displayName), scheduled" + (c.scheduledAt.map { " for \(Format.dateTime($0))" } ?? "") + "."
        case .sending, .sent:
            return joined(c.status == .sending ? "Sending so far: " : "Sent: ", figures.count(m.counts.sent), " emails, ",
                          figures.percent(m.rates.delivery), " delivered, ", figures.percent(m.rates.open), " opened, ",
                          figures.percent(m.rates.click), " clicked.")
        }
    }

    static let siteKeys: MustacheObject.Keys = [
        "title", "root", "stylesheet", "favicon", "index", "generated_at", "generated_at_iso", "version", "inline_css", "standalone",
    ]

    static func siteValue(_ site: SiteInfo, root: String, fields: MustacheObject.ReadFields = .init(all: siteKeys)) -> MustacheValue {
        var object = MustacheObject.Builder(fields)
        object.add(.string(site.title))
        object.add(.trusted(root))
        object.add(.trusted(root + site.stylesheet))
        object.add(.trusted(root + site.favicon))
        object.add(.trusted(root + "index.html"))
        object.add(.string(Format.dateTime(site.generatedAt)))
        object.add(.string(site.generatedAt.rfc3339))
        object.add(.string(site.version))
        // inline_css and standalone: set by the one-file report only; present here so strict
        // templates may test them.
        object.add(.null)
        object.add(.bool(false))
        return object.value()
    }

    static func optional(_ s: String?) -> MustacheValue { s.map { .string($0) } ?? .null }

    /// The pieces as one string, written into one buffer: a page joins a dozen short texts
    /// (paths, notes, its description), and `+` made a new string at every step.
    static func joined(_ pieces: String...) -> String {
        var text = HTMLBuilder(capacity: pieces.reduce(0) { $0 + $1.utf8.count })
        for piece in pieces { text.plain(piece) }
        return text.string
    }

    static let timeKeys: MustacheObject.Keys = ["text", "date", "iso"]

    static func time(_ t: Timestamp?, fields: MustacheObject.ReadFields) -> MustacheValue {
        guard let t else { return .null }
        var object = MustacheObject.Builder(fields)
        object.add(.string(Format.dateTime(t)))
        object.add(.string(Format.date(t)))
        object.add(.string(t.rfc3339))
        return object.value()
    }

    static let campaignKeys: MustacheObject.Keys = [
        "id", "slug", "url", "name", "subject", "preheader", "from_name", "from_email", "from", "status", "status_label",
        "is_draft", "is_scheduled", "is_sending", "is_sent", "audience_name", "audience_size", "audience_size_raw",
        "scheduled_at", "sent_at", "completed_at", "tags", "has_tags", "utm", "has_utm",
    ]

    static func campaignValue(_ c: Campaign, slug: String, fields f: CampaignFields) -> MustacheValue {
        let utm = c.utm.pairs
        var object = MustacheObject.Builder(f.campaign)
        object.add(.string(c.id))
        object.add(.string(slug))
        object.add(.trusted(joined("campaigns/", slug, ".html")))
        object.add(.string(c.displayName))
        object.add(optional(c.subject))
        object.add(optional(c.preheader))
        object.add(optional(c.fromName))
        object.add(optional(c.fromEmail))
        object.add(optional(fromLine(c)))
        object.add(.string(c.status.rawValue))
        object.add(.string(c.status.label))
        object.add(.bool(c.status == .draft))
        object.add(.bool(c.status == .scheduled))
        object.add(.bool(c.status == .sending))
        object.add(.bool(c.status == .sent))
        object.add(optional(c.audience.name))
        object.add(c.audience.size.map { .string(Format.count($0)) } ?? .null)
        object.add(c.audience.size.map { .int($0) } ?? .null)
        object.add(time(c.scheduledAt, fields: f.time))
        object.add(time(c.sentAt, fields: f.time))
        object.add(time(c.completedAt, fields: f.time))
        object.add(.array(c.tags.map { .string($0) }))
        object.add(.bool(!c.tags.isEmpty))
        object.add(.array(utm.map { utmValue($0, fields: f.utm) }))
        object.add(.bool(!utm.isEmpty))
        return object.value()
    }

    static let utmKeys: MustacheObject.Keys = ["name", "value"]

    /// One UTM parameter, of a campaign or of a link.
    static func utmValue(_ pair: (name: String, value: String), fields: MustacheObject.ReadFields) -> MustacheValue {
        var object = MustacheObject.Builder(fields)
        object.add(.string(pair.name))
        object.add(.string(pair.value))
        return object.value()
    }

    static func fromLine(_ c: Campaign) -> String? {
        switch (c.fromName, c.fromEmail) {
        case let (name?, email?): return "\(name) <\(email)>"
        case let (name?, nil): return name
        case let (nil, email?): return email
        default: return nil
        }
    }

    /// Each count's name then its `_raw` twin, in `Counts.fields` order.
    static let countKeys = MustacheObject.Keys(Counts.fieldNames.flatMap { [$0, $0 + "_raw"] })

    static func countsValue(_ counts: Counts, figures: inout FigureTexts, fields: MustacheObject.ReadFields) -> MustacheValue {
        var object = MustacheObject.Builder(fields)
        for (_, value) in counts.fields {
            object.add(value.map { .string(figures.count($0)) } ?? .null)
            object.add(value.map { .int($0) } ?? .null)
        }
        return object.value()
    }

    /// The names of `Rates.fields`, in order.
    static let rateNames = Rates().fields.map(\.name)
    /// Each rate's label and formula, in `rateNames` order, made once.
    static let rateTexts: [(label: MustacheValue, formula: MustacheValue)] = rateNames.map { name in
        RateDefinition.all.first { $0.key == name }.map { (.string($0.label), .string($0.formula)) } ?? (.string(name), .string("?"))
    }

    static let ratesKeys = MustacheObject.Keys(rateNames)
    static let rateKeys: MustacheObject.Keys = ["percent", "raw", "available", "label", "formula"]

    static func ratesValue(_ rates: Rates, figures: inout FigureTexts, fields f: CampaignFields) -> MustacheValue {
        var object = MustacheObject.Builder(f.rates)
        for ((_, value), texts) in zip(rates.fields, rateTexts) {
            object.add({
                var rate = MustacheObject.Builder(f.rate)
                rate.add(.string(figures.percent(value)))
                rate.add(value.map { .double($0) } ?? .null)
                rate.add(.bool(value != nil))
                rate.add(texts.label)
                rate.add(texts.formula)
                return rate.value()
            }())
        }
        return object.value()
    }

    /// Health of a rate, for the colour language: healthy, warning or critical.
    public enum Tone: String, Sendable { case neutral, healthy, warning, critical }

    static func tone(_ value: Double?, warnAbove: Double, criticalAbove: Double) -> Tone {
        guard let value else { return .neutral }
        if value > criticalAbove { return .critical }
        if value > warnAbove { return .warning }
        return .healthy
    }

    /// What a metric card says on every page: its key and label, its rate's label and formula.
    struct CardWords: Sendable {
        let key: MustacheValue
        let label: MustacheValue
        let rateLabel: MustacheValue
        let formula: MustacheValue

        init(_ key: String, _ label: String, rate: String) {
            self.key = .string(key)
            self.label = .string(label)
            (rateLabel, formula) = rateNames.firstIndex(of: rate).map { rateTexts[$0] } ?? (.string(rate), .string("?"))
        }

        static let delivered = CardWords("delivered", "Delivered", rate: "delivery")
        static let opens = CardWords("opens", "Opens", rate: "open")
        static let clicks = CardWords("clicks", "Clicks", rate: "click")
        static let bounced = CardWords("bounced", "Bounced", rate: "bounce")
        static let unsubscribed = CardWords("unsubscribed", "Unsubscribed", rate: "unsubscribe")
        static let complaints = CardWords("complaints", "Spam complaints", rate: "complaint")
        static let clickToOpen = CardWords("click-to-open", "Click-to-open", rate: "click_to_open")
    }

    static let cardKeys: MustacheObject.Keys = [
        "key", "label", "count", "rate", "rate_label", "formula", "tone", "tone_label", "has_tone_label", "note",
    ]

    /// The five metric cards of the seed page, then complaint and click-to-open rates.
    static func cards(_ m: CampaignMetrics, figures: inout FigureTexts, fields: MustacheObject.ReadFields) -> [MustacheValue] {
        let c = m.counts, r = m.rates
        func card(_ words: CardWords, _ count: Int, _ rate: Double?, _ tone: Tone, _ note: @autoclosure () -> String) -> MustacheValue {
            let flagged = tone == .critical || tone == .warning
            var object = MustacheObject.Builder(fields)
            object.add(words.key)
            object.add(words.label)
            object.add(.string(figures.count(count)))
            object.add(.string(figures.percent(rate)))
            object.add(words.rateLabel)
            object.add(words.formula)
            object.add(.string(tone.rawValue))
            object.add(.string(tone == .critical ? "Critical" : tone == .warning ? "Warning" : ""))
            object.add(.bool(flagged))
            object.add(.string(note()))
            return object.value()
        }
        let deliveryTone: Tone = r.delivery.map { $0 < 0.95 ? .warning : .healthy } ?? .neutral
        let complaintTone: Tone = r.complaint.map { $0 >= 0.003 ? .critical : $0 >= 0.001 ? .warning : .healthy } ?? .neutral
        return [
            card(.delivered, c.delivered, r.delivery, deliveryTone, "accepted by the recipient's mail server"),
            card(.opens, c.uniqueOpens, r.open, .neutral, "recipients who opened (a click counts as an open)"),
            card(.clicks, c.uniqueClicks, r.click, .neutral, "recipients who clicked a link"),
            card(.bounced, c.bounced, r.bounce, tone(r.bounce, warnAbove: 0.02, criticalAbove: 0.05),
                 joined(figures.count(c.hardBounced), " hard, ", figures.count(c.softBounced), " soft")),
            card(.unsubscribed, c.unsubscribed, r.unsubscribe, tone(r.unsubscribe, warnAbove: 0.005, criticalAbove: 0.01),
                 "recipients who opted out"),
            card(.complaints, c.complaints, r.complaint, complaintTone, "marked as spam"),
            card(.clickToOpen, c.uniqueClicks, r.clickToOpen, .neutral, "openers who went on to click"),
        ]
    }

    static let funnelKeys: MustacheObject.Keys = ["show", "stages", "chart", "description", "largest_drop", "caption"]
    static let stageKeys: MustacheObject.Keys = ["stage", "label", "count", "count_raw", "percent", "percent_raw", "drop"]
    static let dropKeys: MustacheObject.Keys = ["lost", "percent", "from"]
    static let largestDropKeys: MustacheObject.Keys = ["from", "to", "lost", "percent"]

    static func funnelValue(_ funnel: Funnel, show: Bool, figures: inout FigureTexts, fields f: CampaignFields) -> MustacheValue {
        let chart = FunnelChart(funnel: funnel)
        let texts = chart.stageTexts(&figures)
        let drawn = show && f.funnel.reads("chart")
        // The chart quotes the description.
        let description = drawn || f.funnel.reads("description") ? chart.description(texts) : ""
        var object = MustacheObject.Builder(f.funnel)
        object.add(.bool(show))
        object.add({
            var stages: [MustacheValue] = []
            stages.reserveCapacity(funnel.stages.count)
            for (i, stage) in funnel.stages.enumerated() {
                var values = MustacheObject.Builder(f.stage)
                values.add(.string(stage.stage.rawValue))
                values.add(.string(stage.stage.label))
                values.add(.string(texts.counts[i]))
                values.add(.int(stage.count))
                values.add(.string(texts.percents[i] ?? "—"))
                values.add(stage.percentOfAudience.map { .double($0) } ?? .null)
                values.add({
                    guard i > 0 else { return .null }
                    var drop = MustacheObject.Builder(f.drop)
                    drop.add(.string(texts.drops[i - 1].lost))
                    drop.add(.string(texts.drops[i - 1].percent ?? "—"))
                    drop.add(.string(funnel.stages[i - 1].stage.label))
                    return drop.value()
                }())
                stages.append(values.value())
            }
            return .array(stages)
        }())
        object.add(drawn ? .trustedBytes(chart.svgBytes(description: description, texts: texts)) : .null)
        object.add(.string(description))
        object.add({
            guard let to = texts.largestDrop else { return .null }
            var largest = MustacheObject.Builder(f.largestDrop)
            largest.add(.string(funnel.stages[to - 1].stage.label))
            largest.add(.string(funnel.stages[to].stage.label))
            largest.add(.string(texts.drops[to - 1].lost))
            largest.add(.string(texts.drops[to - 1].percent ?? "—"))
            return largest.value()
        }())
        object.add(.string(joined("Each stage as a share of the audience (", texts.counts.first ?? "0",
                                  " contacts). The pale bar behind each stage is the stage before it, so the gap is the drop-off.")))
        return object.value()
    }

    static let linkKeys: MustacheObject.Keys = [
        "rank", "url", "link", "clicks", "unique_clicks", "clicks_raw", "unique_clicks_raw", "utm_source", "utm_medium",
        "utm_campaign", "utm_term", "utm_content", "has_utm", "utm",
    ]

    static func linkValue(_ link: LinkStat, rank: Int, fields f: CampaignFields) -> MustacheValue {
        let utm = UTMParameters(linkURL: link.url)
        var object = MustacheObject.Builder(f.link)
        object.add(.int(rank))
        object.add(.string(link.url))
        object.add(.trustedBytes(HTML.linkBytes(link.url, label: shortURL(link.url))))
        object.add(.string(Format.count(link.clicks)))
        object.add(.string(Format.count(link.uniqueClicks)))
        object.add(.int(link.clicks))
        object.add(.int(link.uniqueClicks))
        object.add(optional(utm.source))
        object.add(optional(utm.medium))
        object.add(optional(utm.campaign))
        object.add(optional(utm.term))
        object.add(optional(utm.content))
        object.add(.bool(!utm.isEmpty))
        object.add(.array(utm.pairs.map { utmValue($0, fields: f.utm) }))
        return object.value()
    }

    /// A URL without its query string or scheme, for display (the full URL is the link target).
    static func shortURL(_ url: String) -> String {
        // ASCII: the same by bytes, without the copies.
        var text = url
        let short = text.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            let end = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
            var start = 0
            // "https://" then "http://", each cut where it starts what is left.
            if HTML.hasPrefixIgnoringASCIICase(bytes[start..<end], "https://") { start += 8 }
            if HTML.hasPrefixIgnoringASCIICase(bytes[start..<end], "http://") { start += 7 }
            if start == end { return url }
            return start == 0 && end == bytes.count ? url : String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return short ?? shortURLCharacters(url)
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
        if let made = sourceLinks.link(url, label: label) { return made }
        let made = MustacheValue.trustedBytes(HTML.linkBytes(url, label: label))
        sourceLinks.add(made, url: url, label: label)
        return made
    }

    /// Made source links, found by comparing their label and URL: a build cites a handful of
    /// sources, each the same string every time it is cited, and comparing a string with itself
    /// takes a few instructions where hashing it took hundreds.
    final class SourceLinks: @unchecked Sendable {
        // @unchecked: `links` is only touched under `lock`.
        private let lock = Lock()
        @exclusivity(unchecked) private var links: [(label: String, url: String, value: MustacheValue)] = []

        func link(_ url: String, label: String) -> MustacheValue? {
            lock.withLock { links.first { $0.label == label && $0.url == url }?.value }
        }

        func add(_ value: MustacheValue, url: String, label: String) {
            lock.withLock {
                if links.count < 64, !links.contains(where: { $0.label == label && $0.url == url }) { links.append((label, url, value)) }
            }
        }
    }

    static let sourceLinks = SourceLinks()

    static let insightKeys: MustacheObject.Keys = [
        "id", "kind", "severity", "severity_label", "title", "detail", "evidence", "has_evidence", "source", "source_link",
    ]
    static let insightsKeys: MustacheObject.Keys = ["all", "has_any", "summary", "anomalies", "recommendations", "groups"]
    static let insightGroupKeys: MustacheObject.Keys = ["key", "label", "items"]
    /// The insight groups in `insightsKeys`, in page order.
    static let insightGroups: [(key: String, label: String, kind: InsightKind)] = [
        ("summary", "Summary", .summary), ("anomalies", "Anomalies", .anomaly), ("recommendations", "Recommendations", .recommendation),
    ]

    static func insightsValue(_ insights: [Insight], fields f: CampaignFields) -> MustacheValue {
        func item(_ i: Insight) -> MustacheValue {
            var object = MustacheObject.Builder(f.insight)
            object.add(.string(i.id))
            object.add(.string(i.kind.rawValue))
            object.add(.string(i.severity.rawValue))
            object.add(.string(i.severity.label))
            object.add(.string(i.title))
            object.add(.string(i.detail))
            object.add(.array(i.evidence.map { .string($0) }))
            object.add(.bool(!i.evidence.isEmpty))
            object.add(optional(i.source))
            object.add(i.source.map { sourceLink(i.sourceURL ?? "", label: $0) } ?? .null)
            return object.value()
        }
        // The items (made once, shared by the lists) only when a list of them is read.
        let listed = f.insights.reads("all") || f.insights.reads("groups")
            || insightGroups.contains { f.insights.reads($0.key) }
        let all = listed ? insights.map(item) : []
        // Each insight's kind read in place (filtering the insights copied each whole).
        func items(_ kind: InsightKind) -> [MustacheValue] {
            var items: [MustacheValue] = []
            for i in all.indices where insights[i].kind == kind { items.append(all[i]) }
            return items
        }
        var object = MustacheObject.Builder(f.insights)
        object.add(.array(all))
        object.add(.bool(!insights.isEmpty))
        for group in insightGroups { object.add(.array(items(group.kind))) }
        object.add({
            var groupList: [MustacheValue] = []
            groupList.reserveCapacity(insightGroups.count)
            for (key, label, kind) in insightGroups {
                let items = items(kind)
                guard !items.isEmpty else { continue }
                var group = MustacheObject.Builder(f.insightGroup)
                group.add(.string(key))
                group.add(.string(label))
                group.add(.array(items))
                groupList.append(group.value())
            }
            return .array(groupList)
        }())
        return object.value()
    }

    static let engagementKeys: MustacheObject.Keys = [
        "show", "median_first_open", "clients", "devices", "platforms", "has_clients", "events", "timeline",
    ]
    static let noEngagementKeys: MustacheObject.Keys = ["show"]
    static let shareKeys: MustacheObject.Keys = ["name", "count", "percent"]
    static let timelineKeys: MustacheObject.Keys = ["chart", "description", "start", "days"]
    static let dayKeys: MustacheObject.Keys = ["label", "opens", "clicks"]

    /// Event-level extras: the engagement timeline, time to first open, email clients and devices.
    static func engagementValue(_ events: CampaignEvents?, show: Bool, fields f: CampaignFields) -> MustacheValue {
        guard show, let events else {
            var object = MustacheObject.Builder(f.noEngagement)
            object.add(.bool(false))
            return object.value()
        }
        func shares(_ list: [ClientBreakdown.Share]) -> MustacheValue {
            let total = list.reduce(0) { $0 + $1.recipients }
            return .array(list.map {
                var share = MustacheObject.Builder(f.share)
                share.add(.string($0.name))
                share.add(.string(Format.count($0.recipients)))
                share.add(.string(total > 0 ? Format.percent(Double($0.recipients) / Double(total)) : "—"))
                return share.value()
            })
        }
        var object = MustacheObject.Builder(f.engagement)
        object.add(.bool(true))
        object.add(events.medianSecondsToFirstOpen.map { .string(Format.duration(seconds: $0)) } ?? .null)
        object.add(shares(events.clients.clients))
        object.add(shares(events.clients.devices))
        object.add(shares(events.clients.platforms))
        object.add(.bool(!events.clients.clients.isEmpty))
        object.add(.string(Format.count(events.eventCount)))
        object.add({
            guard let timeline = events.timeline else { return .null }
            let chart = TimelineChart(timeline: timeline)
            var value = MustacheObject.Builder(f.timeline)
            value.add(.trusted(chart.svg.html))
            value.add(.string(chart.description))
            value.add(.string(Format.dateTime(timeline.start)))
            value.add({
                var days: [MustacheValue] = []
                for (d, v) in chart.days.enumerated() {
                    let date = Timestamp(epochSeconds: timeline.start.epochSeconds + Double(d * 86_400),
                                         utcOffsetSeconds: timeline.start.utcOffsetSeconds)
                    var day = MustacheObject.Builder(f.day)
                    day.add(.string("Day " + String(d + 1) + " (" + Format.date(date) + ")"))
                    day.add(.string(Format.count(v.opens)))
                    day.add(.string(Format.count(v.clicks)))
                    days.append(day.value())
                }
                return .array(days)
            }())
            return value.value()
        }())
        return object.value()
    }

    static let methodologyKeys: MustacheObject.Keys = ["source", "definitions"]

    static func methodologyValue(_ report: CampaignReport, definitions: MustacheValue, fields: MustacheObject.ReadFields) -> MustacheValue {
        let source: String
        switch report.metrics.source {
        case .events: source = "computed from event files (each figure counts distinct recipients unless it says events)"
        case .counts: source = "taken from the pre-aggregated counts in campaigns.json"
        case .none: source = "none yet: this campaign has no figures"
        }
        var object = MustacheObject.Builder(fields)
        object.add(.string(source))
        object.add(definitions)
        return object.value()
    }

    // MARK: - Overview page

    /// Above this many campaigns the overview shows the newest ones and links
    /// to one page per month, so it stays light (about 60 KB) at any size.
    public static let overviewLimit = 100

    static let overviewRowKeys: MustacheObject.Keys = [
        "name", "url", "status", "status_label", "date", "date_iso", "date_note", "audience", "delivery", "open", "click",
        "bounce", "unsubscribe", "bounce_tone", "unsubscribe_tone",
    ]

    /// One overview row, with links relative to a page at `root`.
    static func overviewRow(_ r: CampaignReport, slug: String, root: String) -> MustacheValue {
        let c = r.campaign, m = r.metrics
        let shows = m.source != .none && (c.status == .sent || c.status == .sending)
        func rate(_ v: Double?) -> MustacheValue { .string(shows ? Format.percent(v) : "—") }
        let when = c.sentAt ?? c.scheduledAt
        return .object(MustacheObject(overviewRowKeys, [
            .string(c.displayName),
            .trusted(joined(root, "campaigns/", slug, ".html")),
            .string(c.status.rawValue),
            .string(c.status.label),
            .string(when.map(Format.date) ?? "—"),
            when.map { .string($0.rfc3339) } ?? .null,
            .string(c.sentAt != nil ? "" : c.scheduledAt != nil ? "scheduled" : ""),
            .string(m.funnel.audience > 0 || c.audience.size != nil ? Format.count(m.funnel.audience) : "—"),
            rate(m.rates.delivery),
            rate(m.rates.open),
            rate(m.rates.click),
            rate(m.rates.bounce),
            rate(m.rates.unsubscribe),
            .string(shows ? tone(m.rates.bounce, warnAbove: 0.02, criticalAbove: 0.05).rawValue : "neutral"),
            .string(shows ? tone(m.rates.unsubscribe, warnAbove: 0.005, criticalAbove: 0.01).rawValue : "neutral"),
        ]))
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
        var groups: [MonthGroup] = []
        var position: [String: Int] = [:]
        // In overview order a campaign's month is mostly the previous one's: that group is
        // reused without making and looking up its key.
        var last: (year: Int, month: Int, group: Int)?
        for i in order ?? overviewOrder(reports) {
            let when = reports[i].campaign.sentAt ?? reports[i].campaign.scheduledAt
            let civil = when?.civil
            if let civil, let l = last, l.year == civil.year, l.month == civil.month {
                groups[l.group].indices.append(i)
                continue
            }
            let key = when.map(Format.monthKey) ?? "undated"
            let p: Int
            if let known = position[key] {
                p = known
            } else {
                p = groups.count
                position[key] = p
                let label = civil.map { "\(monthNames[$0.month - 1]) \($0.year)" } ?? "Not yet scheduled"
                groups.append(MonthGroup(key: key, label: label, indices: []))
            }
            groups[p].indices.append(i)
            last = civil.map { ($0.year, $0.month, p) }
        }
        return groups
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
