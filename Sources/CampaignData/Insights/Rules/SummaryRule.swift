// The summary: one paragraph an analyst would write about the campaign.

extension InsightRule {
    static let summary = InsightRule(
        id: "summary", kind: .summary, severities: [.info], name: "Summary",
        formula: "status; delivered of sent; open and click rates against the benchmark and the account's history; the main problem",
        source: nil, readsOtherInsights: true
    ) { c in
        switch c.campaign.status {
        case .draft, .scheduled: SummaryWriter(c).configured()
        case .sending, .sent: SummaryWriter(c).performance()
        }
    }
}

/// Writes the summary paragraph from the campaign's figures and the other rules' findings.
private struct SummaryWriter {
    let c: InsightContext

    init(_ context: InsightContext) { c = context }

    var counts: Counts { c.counts }

    // MARK: - Draft or scheduled: what is configured

    func configured() -> Insight {
        let campaign = c.campaign
        var sentences: [String] = []
        var evidence = ["Status: \(campaign.status.rawValue)"]
        var title: String
        if campaign.status == .draft {
            title = "Draft: not sent yet"
            sentences.append("This campaign is a draft: it is still being configured and has not been sent.")
        } else if let at = campaign.scheduledAt {
            title = "Scheduled for \(at.rfc3339)"
            sentences.append("This campaign is scheduled to send at \(at.rfc3339); it has not been sent yet.")
            evidence.append("Scheduled at: \(at.rfc3339)")
        } else {
            title = "Scheduled: not sent yet"
            sentences.append("This campaign is scheduled and has not been sent yet.")
        }
        let audience = campaign.audience
        switch (audience.name, audience.size) {
        case let (name?, size?):
            sentences.append("It targets “\(name)” (\(FigureText.count(size)) contacts).")
            evidence.append("Audience: \(name), \(FigureText.count(size)) contacts")
        case let (name?, nil):
            sentences.append("It targets “\(name)”.")
            evidence.append("Audience: \(name)")
        case let (nil, size?):
            sentences.append("It targets \(FigureText.count(size)) contacts.")
            evidence.append("Audience: \(FigureText.count(size)) contacts")
        case (nil, nil):
            break
        }
        if let subject = campaign.subject, !subject.isEmpty {
            var sentence = "Subject: “\(subject)”"
            if let preheader = campaign.preheader, !preheader.isEmpty { sentence += ", preheader: “\(preheader)”" }
            sentences.append(sentence + ".")
            evidence.append("Subject: \(subject)")
        }
        switch (campaign.fromName, campaign.fromEmail) {
        case let (name?, email?): sentences.append("From: \(name) <\(email)>.")
        case let (name?, nil): sentences.append("From: \(name).")
        case let (nil, email?): sentences.append("From: <\(email)>.")
        case (nil, nil): break
        }
        let utm = campaign.utm.pairs.map { "\($0.name)=\($0.value)" }
        if !utm.isEmpty {
            sentences.append("Its links are set to carry \(FigureText.list(utm)).")
            evidence.append("UTM: " + utm.joined(separator: ", "))
        }
        if !campaign.tags.isEmpty { evidence.append("Tags: " + campaign.tags.joined(separator: ", ")) }
        sentences.append("Performance figures and insights will follow once it is sent.")
        return c.insight(.info, title: title, detail: sentences.joined(separator: " "), evidence: evidence)
    }

    // MARK: - Sent or sending: how it performed

    func performance() -> Insight {
        let sending = c.isSending
        let label = sending ? "Sending" : "Sent"
        guard c.hasFigures, counts.sent > 0 else {
            let detail = sending
                ? "This campaign is still sending, and the data records no emails as sent yet."
                : "This campaign is marked as sent\(dateClause), but the data holds no figures for it, so nothing can be said about its performance."
            return c.insight(.info, title: sending ? "Sending: nothing recorded yet" : "Sent: no figures in the data",
                             detail: detail, evidence: ["Status: \(c.campaign.status.rawValue)", "Figures: none"])
        }
        var sentences: [String] = []
        var evidence: [String] = []
        var source: String?
        var sourceURL: String?

        // Status and delivery.
        let delivery = c.rates.delivery ?? 0
        let audience = c.campaign.audience.name.map { " to “\($0)”" } ?? ""
        if sending {
            if let size = c.campaign.audience.size, size > 0 {
                sentences.append("Still sending: so far \(FigureText.count(counts.sent)) of the \(FigureText.count(size)) contacts targeted "
                    + "have been sent to and \(FigureText.count(counts.delivered)) emails delivered (\(FigureText.percent(delivery)) of those sent).")
            } else {
                sentences.append("Still sending: so far \(FigureText.count(counts.sent)) emails have been sent and "
                    + "\(FigureText.count(counts.delivered)) delivered (\(FigureText.percent(delivery))).")
            }
        } else {
            sentences.append("Sent\(dateClause)\(audience): \(FigureText.count(counts.delivered)) of \(FigureText.count(counts.sent)) emails were delivered (\(FigureText.percent(delivery))).")
        }
        evidence.append(c.rateLine("Delivery rate", delivery, counts.delivered, counts.sent, "sent"))

        var title = "\(label): \(FigureText.percent(delivery)) delivered"
        if let open = c.rates.open, let click = c.rates.click {
            title += ", \(FigureText.percent(open)) opened, \(FigureText.percent(click)) clicked"
            // Engagement.
            var sentence = sending ? "So far \(FigureText.percent(open)) of delivered recipients have opened" : "\(FigureText.percent(open)) of delivered recipients opened"
            let basis = OpenRateBasis(counts, c.rates)
            if let basis, basis.excludesAutomated { sentence += " (\(FigureText.percent(basis.rate)) not counting automated opens)" }
            sentence += " and \(FigureText.percent(click)) \(sending ? "have clicked" : "clicked")"
            if let cto = c.rates.clickToOpen, counts.uniqueClicks > 0 { sentence += ", \(FigureText.percent(cto)) of those who opened" }
            sentences.append(sentence + ".")
            evidence.append(c.rateLine("Open rate", open, counts.uniqueOpens, counts.delivered, "delivered"))
            if let basis, basis.excludesAutomated {
                evidence.append(c.rateLine(basis.label, basis.rate, basis.numerator, counts.delivered, "delivered"))
            }
            evidence.append(c.rateLine("Click rate", click, counts.uniqueClicks, counts.delivered, "delivered"))

            // Against the benchmark.
            if let benchmark = c.config.benchmark, let basis {
                let openMargin = c.config.value(InsightRule.benchmarkMargin, rule: InsightRule.openRateVsBenchmark.id) / 100
                let clickMargin = c.config.value(InsightRule.benchmarkMargin, rule: InsightRule.clickRateVsBenchmark.id) / 100
                let opens = BenchmarkStanding(rate: basis.rate, benchmark: benchmark.openRate, marginFraction: openMargin)
                let clicks = BenchmarkStanding(rate: click, benchmark: benchmark.clickRate, marginFraction: clickMargin)
                let openPublished = IndustryBenchmark.published(benchmark.openPercent)
                let clickPublished = IndustryBenchmark.published(benchmark.clickPercent)
                let who = basis.excludesAutomated ? "Human opens" : "Opens"
                sentences.append("\(who) are \(opens.words) \(benchmark.phrase) of \(openPublished) and clicks are \(clicks.words) its \(clickPublished) (data as of \(IndustryBenchmark.dataAsOf)\(basis.excludesAutomated ? "" : ", before Apple Mail Privacy Protection inflated opens")).")
                evidence.append("Benchmark: \(benchmark.name), \(openPublished) open, \(clickPublished) click (Mailchimp, data as of \(IndustryBenchmark.dataAsOf))")
                source = IndustryBenchmark.citation
                sourceURL = IndustryBenchmark.sourceURL
            }

            // Against the account's history (sent campaigns only: partial figures are not comparable).
            if !sending {
                let k = c.config.historyDeviations
                var parts: [String] = []
                var counted: [Int] = []
                for (metric, rate, noun) in [(AccountMetric.open, open, "opens"), (.click, click, "clicks")] {
                    guard let baseline = c.baseline(metric) else { continue }
                    counted.append(baseline.values.count)
                    let usual = FigureText.percent(baseline.median)
                    if baseline.isUnusual(rate, deviations: k) {
                        parts.append("\(noun) are well \(rate > baseline.median ? "above" : "under") its usual \(usual)")
                    } else {
                        parts.append("\(noun) are in line with its usual \(usual)")
                    }
                    evidence.append("History: \(metric.label) median \(usual) over the previous \(FigureText.count(baseline.values.count)) sent campaigns")
                }
                if !parts.isEmpty {
                    let n = Set(counted).count == 1 ? counted[0] : nil
                    let base = n.map { $0 == 1 ? "this account's previous sent campaign" : "this account's previous \(FigureText.count($0)) sent campaigns" }
                        ?? "this account's previous sent campaigns"
                    sentences.append("Against \(base), \(FigureText.list(parts)).")
                }
            }
        } else {
            title = "\(label): \(FigureText.count(counts.delivered)) delivered"
            if counts.delivered == 0 {
                title = "\(label): nothing delivered\(c.soFar)"
                sentences.append("None \(sending ? "has been" : "was") recorded as delivered, so there are no open or click rates.")
            }
        }

        sentences.append(mainProblem())
        return c.insight(.info, title: title, detail: sentences.joined(separator: " "), evidence: evidence,
                         source: source, sourceURL: sourceURL)
    }

    /// `on 2026-06-01` from sent_at, in its own offset; empty when unknown.
    private var dateClause: String {
        guard let at = c.campaign.sentAt else { return "" }
        return " on " + String(at.rfc3339.prefix(10))
    }

    /// The most severe finding of the other rules, as the paragraph's last sentence.
    private func mainProblem() -> String {
        let findings = c.others.filter { $0.kind != .summary && $0.severity >= .notice }
        let order = InsightRule.tableOrder
        let ranked = findings.sorted { a, b in
            a.severity != b.severity ? a.severity > b.severity : (order[a.id] ?? .max) < (order[b.id] ?? .max)
        }
        guard let top = ranked.first else {
            return c.isSending ? "No problems stand out so far." : "No problems stand out."
        }
        let title = top.title.prefix(1).lowercased() + top.title.dropFirst()
        if top.severity >= .warning {
            let more = ranked.dropFirst().filter { $0.severity >= .warning }.count
            let tail = more == 0 ? "" : " (and \(more) more \(more == 1 ? "warning" : "warnings") below)"
            return "The main problem: \(title)\(tail)."
        }
        return "Nothing is alarming; worth a look: \(title)."
    }
}
