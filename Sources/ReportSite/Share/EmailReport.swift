import CampaignData
import Mustache

/// One campaign's report as an HTML email body (`report --email`): a table
/// layout with inline styles, no SVG, no script, small enough that Gmail does
/// not clip it (102 KB), single-column and fluid down to 320 px.
///
/// The template is `email.html` (HTML, not Markdown), rendered with the
/// campaign page's context plus an `email` object holding what a table
/// layout needs: cards in rows of two, funnel bars as cell widths, the top
/// links, and each tone's colours (the layout must not depend on a class).
public enum EmailReport {
    /// Gmail clips a message whose HTML is larger than this (102 KB).
    public static let clipLimit = 102 * 1024
    /// Links shown; the full list is in the site's page and links CSV.
    public static let topLinkCount = 5

    /// Values are HTML-escaped, even in `{{{ }}}`; trusted values pass through.
    static let options: RenderOptions = {
        var o = RenderOptions(escapeBytes: { HTML.escape($0, into: &$1) }, escapeUnescapedBytes: { HTML.escape($0, into: &$1) }, strict: false)
        o.missingPartialIsError = true
        return o
    }()

    public static func render(_ report: CampaignReport, slug: String, site: SiteInfo, store: TemplateStore) throws -> String {
        let template = try store.page("email")
        return try template.render(context(report, slug: slug, site: site), partials: store, options: options)
    }

    /// The campaign page's context (root "", no site to link to) plus `email`.
    public static func context(_ report: CampaignReport, slug: String, site: SiteInfo) -> MustacheValue {
        let base = PageContext.campaign(report, slug: slug, site: site, root: "")
        guard case var .object(fields) = base else { return base }
        let cards = array(fields["cards"])
        fields["email"] = .object([
            "preheader": .string(PageContext.pageDescription(report)),
            "status": toneValue(statusTone(report.campaign.status)),
            "facts": .array(facts(report.campaign)),
            "card_rows": .array(cardRows(cards)),
            "has_cards": .bool(!cards.isEmpty),
            "stages": .array(stages(report.metrics.funnel)),
            "audience": .string(Format.count(report.metrics.funnel.audience)),
            "links": .array(links(report.metrics.links)),
            "more_links": moreLinks(report.metrics.links.count),
            "insight_groups": .array(insightGroups(report.insights)),
            "progress": progress(report),
            "formulas": .string(RateDefinition.all.map { "\($0.label) = \($0.formula)" }.joined(separator: "; ") + "."),
        ])
        return .object(fields)
    }

    // MARK: - Colours

    /// Text and background colours of the report's colour language, for light
    /// clients; each pair keeps ≥ 4.5:1 contrast, and a client that inverts
    /// colours inverts both together. Clients that honour
    /// `prefers-color-scheme` get dark pairs from the template's `<style>`
    /// through `fm-tone-KEY` / `fm-pill-KEY` classes (enhancement only).
    struct Tone {
        var key: String
        var text: String, background: String
    }

    static let neutral = Tone(key: "neutral", text: "#1b2430", background: "#eef1f5")

    static let tones: [String: Tone] = [
        "neutral": neutral,
        "healthy": Tone(key: "healthy", text: "#17703d", background: "#e3f4ea"),
        "warning": Tone(key: "warning", text: "#8a5300", background: "#fdf0d9"),
        "critical": Tone(key: "critical", text: "#b3261e", background: "#fde7e5"),
        "info": Tone(key: "info", text: "#2648b0", background: "#e6ecfb"),
        "notice": Tone(key: "notice", text: "#5b4a9e", background: "#eeeafb"),
    ]

    static func tone(_ key: String) -> Tone { tones[key] ?? neutral }

    static func toneValue(_ key: String) -> MustacheValue {
        let t = tone(key)
        return .object(["key": .string(t.key), "color": .string(t.text), "bg": .string(t.background)])
    }

    static func statusTone(_ status: CampaignStatus) -> String {
        switch status {
        case .sent: "healthy"
        case .sending: "warning"
        case .scheduled: "info"
        case .draft: "neutral"
        }
    }

    // MARK: - Sections

    static func facts(_ c: Campaign) -> [MustacheValue] {
        var rows: [(String, String)] = []
        if let s = c.subject { rows.append(("Subject", s)) }
        if let p = c.preheader { rows.append(("Preheader", p)) }
        if let from = PageContext.fromLine(c) { rows.append(("From", from)) }
        var audience = c.audience.name ?? "Unnamed audience"
        if let size = c.audience.size { audience += " · \(Format.count(size)) contacts" }
        rows.append(("Audience", audience))
        if let t = c.scheduledAt { rows.append(("Scheduled", Format.dateTime(t))) }
        if let t = c.sentAt { rows.append(("Send started", Format.dateTime(t))) }
        if let t = c.completedAt { rows.append(("Completed", Format.dateTime(t))) }
        rows.append(("Campaign id", c.id))
        return rows.map { .object(["label": .string($0.0), "value": .string($0.1)]) }
    }

    /// The page's metric cards, two to a row, each with its tone's colours.
    static func cardRows(_ cards: [MustacheValue]) -> [MustacheValue] {
        let coloured = cards.map { card -> MustacheValue in
            guard case var .object(f) = card else { return card }
            let tone = string(f["tone"]) ?? "neutral"
            let t = self.tone(tone)
            // Neutral rates read in the body colour; toned ones in the tone's.
            f["rate_color"] = .string(tone == "neutral" ? "#1b2430" : t.text)
            f["accent"] = .string(tone == "neutral" ? "#c9d4f2" : t.text)
            f["pill"] = toneValue(tone)
            f["tone_key"] = .string(tone)
            return .object(f)
        }
        // A row is [card][gap][card]: cards are the cells themselves, so a row's cards share one height.
        return stride(from: 0, to: coloured.count, by: 2).map { i in
            let pair = coloured[i..<min(i + 2, coloured.count)].enumerated().map { k, card -> MustacheValue in
                guard case var .object(f) = card else { return card }
                f["gap"] = .bool(k > 0)
                return .object(f)
            }
            return .object(["cells": .array(pair), "single": .bool(pair.count == 1)])
        }
    }

    /// Each stage as a bar of whole-percent width against the largest stage
    /// (the audience), with the drop from the stage before.
    static func stages(_ funnel: Funnel) -> [MustacheValue] {
        let stages = funnel.stages
        let top = max(funnel.audience, stages.map(\.count).max() ?? 0)
        let largest = funnel.largestDropOff
        return stages.enumerated().map { i, stage in
            var drop: MustacheValue = .null
            if i > 0 {
                let d = Funnel.DropOff(from: stages[i - 1], to: stage)
                let isLargest = largest.map { $0.to.stage == stage.stage } ?? false
                drop = .object([
                    "text": .string("−\(Format.count(d.lost)) (\(Format.percent(d.lostFraction))) from \(d.from.stage.label.lowercased())"),
                    "largest": .bool(isLargest),
                    "color": .string(isLargest ? tone("critical").text : "#4f5b6b"),
                ])
            }
            var fields = bar(stage.count, of: top)
            fields["label"] = .string(stage.stage.label)
            fields["count"] = .string(Format.count(stage.count))
            fields["percent"] = .string(stage.percentOfAudience.map { Format.percentValue($0) } ?? "—")
            fields["drop"] = drop
            return .object(fields)
        }
    }

    /// For a campaign still sending: sent so far against the audience, as a bar.
    static func progress(_ report: CampaignReport) -> MustacheValue {
        let m = report.metrics
        guard report.campaign.status == .sending else { return .null }
        return .object(bar(m.counts.sent, of: max(m.funnel.audience, m.counts.sent)))
    }

    /// A bar as two cells: `fill` and `rest` in whole percent (summing to 100).
    /// Anything above zero shows at least 1%; an empty total is an empty bar; a cell of 0% is left out
    /// (`has_fill` / `has_rest`) because clients still draw a sliver for it.
    static func bar(_ count: Int, of total: Int) -> MustacheObject {
        var fill = total <= 0 ? 0 : Int((100 * Double(count) / Double(total)).rounded())
        if count > 0, total > 0 { fill = max(fill, 1) }
        fill = min(max(fill, 0), 100)
        return ["fill": .int(fill), "rest": .int(100 - fill), "has_fill": .bool(fill > 0), "has_rest": .bool(fill < 100)]
    }

    static func links(_ links: [LinkStat]) -> [MustacheValue] {
        links.prefix(topLinkCount).enumerated().map { i, link in
            .object([
                "rank": .int(i + 1),
                "url": .string(link.url),
                "link": .trusted(HTML.link(link.url, label: PageContext.shortURL(link.url),
                                           attributes: " style=\"color:#2648b0;text-decoration:underline;\" class=\"fm-link\"").html),
                "clicks": .string(Format.count(link.clicks)),
                "unique_clicks": .string(Format.count(link.uniqueClicks)),
            ])
        }
    }

    static func moreLinks(_ count: Int) -> MustacheValue {
        guard count > topLinkCount else { return .null }
        let more = count - topLinkCount
        return .string("and \(Format.count(more)) more link\(more == 1 ? "" : "s") in the full report")
    }

    static func insightGroups(_ insights: [Insight]) -> [MustacheValue] {
        InsightKind.allCases.compactMap { kind in
            let items = insights.filter { $0.kind == kind }
            guard !items.isEmpty else { return nil }
            return .object([
                "label": .string(kind.label),
                "items": .array(items.map { i in
                    .object([
                        "id": .string(i.id),
                        "title": .string(i.title),
                        "detail": .string(i.detail),
                        "severity": .string(i.severity.rawValue),
                        "severity_label": .string(i.severity.label),
                        "tone": toneValue(i.severity.rawValue),
                        "source": i.source.map { .trusted(HTML.link(i.sourceURL ?? "", label: $0,
                                                                    attributes: " style=\"color:#4f5b6b;\" class=\"fm-muted\"").html) } ?? .null,
                    ])
                }),
            ])
        }
    }

    private static func array(_ v: MustacheValue?) -> [MustacheValue] {
        if case let .array(a)? = v { return a } else { return [] }
    }

    private static func string(_ v: MustacheValue?) -> String? {
        if case let .string(s)? = v { return s } else { return nil }
    }
}
