// Links: where the clicks went, and whether they can be followed into web analytics.

/// What a link's URL says about tracking.
struct InsightLinkURL {
    let url: String

    /// http(s) links only: mailto:, tel: and template placeholders are not landing pages.
    var isWeb: Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Unsubscribe and preference links are not meant to be tracked as campaign traffic.
    var isOptOut: Bool {
        let lower = url.lowercased()
        return ["unsubscribe", "optout", "opt-out", "opt_out"].contains { lower.contains($0) }
    }

    /// The query's parameter names, lowercased (before any `#fragment`).
    var parameterNames: Set<String> {
        guard let question = url.firstIndex(of: "?") else { return [] }
        var query = url[url.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        var names = Set<String>()
        for pair in query.split(separator: "&") {
            let name = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            names.insert(name.lowercased())
        }
        return names
    }

    /// The UTM parameters analytics tools need to attribute a visit to a campaign.
    static let requiredUTM = ["utm_source", "utm_medium", "utm_campaign"]

    /// Which of the required UTM parameters the URL lacks.
    var missingUTM: [String] {
        let names = parameterNames
        return InsightLinkURL.requiredUTM.filter { !names.contains($0) }
    }
}

extension InsightRule {
    // MARK: - link-concentration

    static let linkConcentration: InsightRule = {
        let share = InsightParameter(
            "share_at_or_above_percent", default: 60, unit: .percent, severity: .info, comparison: .atOrAbove,
            meaning: "mention it when one link has at least this share of all per-link unique clicks",
            origin: "Funnelmark default")
        let minimum = InsightParameter(
            "minimum_clicks", default: 20, unit: .count,
            meaning: "only judge campaigns with at least this many per-link unique clicks in total",
            origin: "Funnelmark default")
        return InsightRule(
            id: "link-concentration", kind: .recommendation, severities: [.info], name: "One link takes most clicks",
            formula: "top link's unique clicks ÷ sum of unique clicks over all links", thresholds: [share, minimum],
            source: "Funnelmark default"
        ) { c in
            let links = c.metrics.links
            guard links.count >= 2 else { return nil }
            let total = links.reduce(0) { $0 + $1.uniqueClicks }
            guard total > 0, Double(total) >= c.value(minimum) else { return nil }
            let top = links.max { ($0.uniqueClicks, $1.url) < ($1.uniqueClicks, $0.url) } ?? links[0]
            let fraction = Double(top.uniqueClicks) / Double(total)
            guard let level = c.crossed(fraction, [share]) else { return nil }
            let others = links.count - 1
            let detail = "\(c.soFarLead)\(top.url) drew \(FigureText.percent(fraction, distinctFrom: c.fraction(level))) of link clicks "
                + "(\(FigureText.count(top.uniqueClicks)) of \(FigureText.count(total)), unique clickers per link), at or above the "
                + "\(c.text(level)) level (\(c.origin(level))); the other \(others == 1 ? "link shared" : "\(FigureText.count(others)) links shared") the rest. "
                + "That link is what readers came for: make it the main call to action next time, and give the others "
                + "more prominence or drop them."
            return c.insight(.info, title: "One link drew \(FigureText.percent(fraction)) of clicks\(c.soFar)", detail: detail, evidence: [
                "Top link: \(top.url): \(FigureText.count(top.uniqueClicks)) ÷ \(FigureText.count(total)) per-link unique clicks",
                "Links clicked: \(FigureText.count(links.filter { $0.uniqueClicks > 0 }.count)) of \(FigureText.count(links.count))",
                c.thresholdLine([share]) + "; at least \(c.text(minimum)) clicks (\(c.origin(minimum)))",
            ])
        }
    }()

    // MARK: - missing-utm

    static let missingUTM = InsightRule(
        id: "missing-utm", kind: .recommendation, severities: [.notice], name: "Links without UTM parameters",
        formula: "web links lacking utm_source, utm_medium or utm_campaign, when the campaign configures no UTM",
        source: "Seed product guidance: cross-reference click stats with Google Analytics via UTM parameters",
        sourceURL: "https://support.google.com/analytics/answer/10917952"
    ) { c in
        // Configured UTM parameters are added by the platform when it sends, so links are tagged.
        guard c.campaign.utm.isEmpty else { return nil }
        let candidates = c.metrics.links.map { InsightLinkURL(url: $0.url) }.filter { $0.isWeb && !$0.isOptOut }
        let untagged = candidates.filter { !$0.missingUTM.isEmpty }
        guard !untagged.isEmpty else { return nil }
        let subject: String
        if untagged.count < candidates.count {
            subject = "\(FigureText.count(untagged.count)) of the campaign's \(FigureText.count(candidates.count)) \(untagged.count == 1 ? "links lacks" : "links lack")"
        } else if candidates.count == 1 {
            subject = "The campaign's link lacks"
        } else {
            subject = "None of the campaign's \(FigureText.count(candidates.count)) links carries"
        }
        let detail = "\(subject) complete UTM parameters"
            + " (utm_source, utm_medium, utm_campaign), and the campaign configures none. Tag them so the clicks can be "
            + "cross-checked with sessions and conversions in your web analytics tool (such as Google Analytics)."
        var evidence = untagged.prefix(5).map { "Untagged: \($0.url) (missing \($0.missingUTM.joined(separator: ", ")))" }
        if untagged.count > 5 { evidence.append("… and \(FigureText.count(untagged.count - 5)) more") }
        evidence.append("Checked: web links, except unsubscribe and opt-out links; campaign UTM settings: none")
        return c.insight(.notice, title: "Add UTM parameters to the links", detail: detail, evidence: evidence)
    }
}
