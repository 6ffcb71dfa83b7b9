// Links: where the clicks went, and whether they can be followed into web analytics.

/// What a link's URL says about tracking.
struct InsightLinkURL {
    let url: String

    /// http(s) links only: mailto:, tel: and template placeholders are not landing pages.
    var isWeb: Bool {
        if let web = ASCIIURL.withBytes(of: url, { $0.hasPrefixIgnoringCase("http://") || $0.hasPrefixIgnoringCase("https://") }) {
            return web
        }
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Unsubscribe and preference links are not meant to be tracked as campaign traffic.
    var isOptOut: Bool {
        if let optOut = ASCIIURL.withBytes(of: url, { url in InsightLinkURL.optOutWords.contains { url.containsIgnoringCase($0) } }) {
            return optOut
        }
        let lower = url.lowercased()
        return InsightLinkURL.optOutWords.contains { lower.contains($0) }
    }

    static let optOutWords = ["unsubscribe", "optout", "opt-out", "opt_out"]

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
        if let found = ASCIIURL.withBytes(of: url, InsightLinkURL.requiredUTMFound) {
            if found == 0b111 { return [] }
            return InsightLinkURL.requiredUTM.indices.filter { found & (1 << $0) == 0 }.map { InsightLinkURL.requiredUTM[$0] }
        }
        let names = parameterNames
        return InsightLinkURL.requiredUTM.filter { !names.contains($0) }
    }

    /// Which of `requiredUTM` an ASCII URL's query names (in any case), as bits in `requiredUTM` order.
    private static func requiredUTMFound(_ url: ASCIIURL) -> Int {
        let bytes = url.bytes
        guard var start = bytes.firstIndex(of: UInt8(ascii: "?")).map({ $0 + 1 }) else { return 0 }
        var end = bytes.endIndex
        if let hash = bytes[start...].firstIndex(of: UInt8(ascii: "#")) { end = hash }
        var found = 0
        while start < end {
            var stop = start
            while stop < end, bytes[stop] != UInt8(ascii: "&") { stop += 1 }
            var nameEnd = start
            while nameEnd < stop, bytes[nameEnd] != UInt8(ascii: "=") { nameEnd += 1 }
            let name = ASCIIURL(bytes: UnsafeBufferPointer(rebasing: bytes[start..<nameEnd]))
            for (i, required) in requiredUTM.enumerated() where name.equalsIgnoringCase(required) { found |= 1 << i }
            start = stop + 1
        }
        return found
    }
}

/// The bytes of a URL that is pure ASCII, where lowercasing and matching are plain byte operations
/// (exactly what `lowercased()` and `contains` do on such text).
struct ASCIIURL {
    let bytes: UnsafeBufferPointer<UInt8>

    /// `body` over the URL's bytes; nil when the URL is not pure ASCII.
    static func withBytes<T>(of url: String, _ body: (ASCIIURL) -> T) -> T? {
        var url = url
        return url.withUTF8 { bytes in
            for b in bytes where b >= 0x80 { return nil }
            return body(ASCIIURL(bytes: bytes))
        }
    }

    private static func lower(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b
    }

    /// Whether the URL equals `word` (lowercase ASCII) ignoring case.
    func equalsIgnoringCase(_ word: String) -> Bool {
        word.utf8.count == bytes.count && matches(word, at: 0)
    }

    func hasPrefixIgnoringCase(_ word: String) -> Bool {
        word.utf8.count <= bytes.count && matches(word, at: 0)
    }

    func containsIgnoringCase(_ word: String) -> Bool {
        let length = word.utf8.count
        guard length <= bytes.count else { return false }
        for start in 0...(bytes.count - length) where matches(word, at: start) { return true }
        return false
    }

    /// Whether `word` (lowercase ASCII) is at `start`, ignoring case.
    private func matches(_ word: String, at start: Int) -> Bool {
        var i = start
        for w in word.utf8 {
            if ASCIIURL.lower(bytes[i]) != w { return false }
            i += 1
        }
        return true
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
        let levels = [share]
        return InsightRule(
            id: "link-concentration", kind: .recommendation, severities: [.info], name: "One link takes most clicks",
            formula: "top link's unique clicks ÷ sum of unique clicks over all links", thresholds: [share, minimum],
            source: "Funnelmark default"
        ) { c in
            let links = c.evaluation.input.metrics.links
            guard links.count >= 2 else { return nil }
            var total = 0, clicked = 0
            for link in links {
                total += link.uniqueClicks
                if link.uniqueClicks > 0 { clicked += 1 }
            }
            guard total > 0, Double(total) >= c.value(minimum) else { return nil }
            let top = links.max { ($0.uniqueClicks, $1.url) < ($1.uniqueClicks, $0.url) } ?? links[0]
            let fraction = Double(top.uniqueClicks) / Double(total)
            guard let level = c.crossed(fraction, levels) else { return nil }
            let others = links.count - 1
            let rest: InsightText = others == 1 ? "link shared" : "\(count: others) links shared"
            let detail: InsightText = """
                \(c.soFarLead)\(top.url) drew \(percent: fraction, distinctFrom: c.fraction(level)) of link clicks \
                (\(count: top.uniqueClicks) of \(count: total), unique clickers per link), at or above the \
                \(c.text(level)) level (\(c.origin(level))); the other \(rest) the rest. \
                That link is what readers came for: make it the main call to action next time, and give the others \
                more prominence or drop them.
                """
            return c.insight(.info, title: "One link drew \(percent: fraction) of clicks\(c.soFar)", detail: detail, evidence: [
                "Top link: \(top.url): \(count: top.uniqueClicks) ÷ \(count: total) per-link unique clicks",
                "Links clicked: \(count: clicked) of \(count: links.count)",
                "\(c.thresholdLine(levels)); at least \(c.text(minimum)) clicks (\(c.origin(minimum)))",
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
        let utm = c.evaluation.input.campaign.utm
        guard utm.source == nil, utm.medium == nil, utm.campaign == nil, utm.term == nil, utm.content == nil else { return nil }
        var candidates = 0
        var untagged: [(url: String, missing: [String])] = []
        for link in c.evaluation.input.metrics.links {
            let url = InsightLinkURL(url: link.url)
            guard url.isWeb && !url.isOptOut else { continue }
            candidates += 1
            let missing = url.missingUTM
            if !missing.isEmpty { untagged.append((link.url, missing)) }
        }
        guard !untagged.isEmpty else { return nil }
        let subject: InsightText
        if untagged.count < candidates {
            subject = "\(count: untagged.count) of the campaign's \(count: candidates) \(untagged.count == 1 ? "links lacks" : "links lack")"
        } else if candidates == 1 {
            subject = "The campaign's link lacks"
        } else {
            subject = "None of the campaign's \(count: candidates) links carries"
        }
        let detail: InsightText = """
            \(subject) complete UTM parameters \
            (utm_source, utm_medium, utm_campaign), and the campaign configures none. Tag them so the clicks can be \
            cross-checked with sessions and conversions in your web analytics tool (such as Google Analytics).
            """
        var evidence: [InsightText] = untagged.prefix(5).map { "Untagged: \($0.url) (missing \($0.missing.joined(separator: ", ")))" }
        if untagged.count > 5 { evidence.append("… and \(count: untagged.count - 5) more") }
        evidence.append("Checked: web links, except unsubscribe and opt-out links; campaign UTM settings: none")
        return c.insight(.notice, title: "Add UTM parameters to the links", detail: detail, evidence: evidence)
    }
}
