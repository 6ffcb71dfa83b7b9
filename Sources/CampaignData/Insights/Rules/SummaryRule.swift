// The summary: one paragraph an analyst would write about the campaign.

extension InsightRule {
    static let summary = InsightRule(
        id: "summary", kind: .summary, severities: [.info], name: "Summary",
        formula: "status; delivered of sent; open and click rates against the benchmark and the account's history; the main problem",
        source: nil, readsOtherInsights: true
    ) { c in
        var writer = SummaryWriter(c)
        switch c.status {
        case .draft, .scheduled: return writer.configured()
        case .sending, .sent: return writer.performance()
        }
    }
}

/// Writes the summary paragraph from the campaign's figures and the other rules' findings.
private struct SummaryWriter {
    let c: InsightContext

    init(_ context: InsightContext) { c = context }

    /// The paragraph so far: sentences separated by one space.
    private var detail = InsightText(capacity: 1024)

    private mutating func sentence(_ text: InsightText) {
        if !detail.isEmpty { detail += " " }
        detail += text
    }

    // MARK: - Draft or scheduled: what is configured

    mutating func configured() -> Insight {
        let campaign = c.campaign
        var evidence: [InsightText] = ["Status: \(campaign.status.rawValue)"]
        let title: InsightText
        if campaign.status == .draft {
            title = "Draft: not sent yet"
            sentence("This campaign is a draft: it is still being configured and has not been sent.")
        } else if let at = campaign.scheduledAt {
            let time = TimestampText.rfc3339(at)
            title = "Scheduled for \(time)"
            sentence("This campaign is scheduled to send at \(time); it has not been sent yet.")
            evidence.append("Scheduled at: \(time)")
        } else {
            title = "Scheduled: not sent yet"
            sentence("This campaign is scheduled and has not been sent yet.")
        }
        let audience = campaign.audience
        switch (audience.name, audience.size) {
        case let (name?, size?):
            sentence("It targets “\(name)” (\(count: size) contacts).")
            evidence.append("Audience: \(name), \(count: size) contacts")
        case let (name?, nil):
            sentence("It targets “\(name)”.")
            evidence.append("Audience: \(name)")
        case let (nil, size?):
            sentence("It targets \(count: size) contacts.")
            evidence.append("Audience: \(count: size) contacts")
        case (nil, nil):
            break
        }
        if let subject = campaign.subject, !subject.isEmpty {
            if let preheader = campaign.preheader, !preheader.isEmpty {
                sentence("Subject: “\(subject)”, preheader: “\(preheader)”.")
            } else {
                sentence("Subject: “\(subject)”.")
            }
            evidence.append("Subject: \(subject)")
        }
        switch (campaign.fromName, campaign.fromEmail) {
        case let (name?, email?): sentence("From: \(name) <\(email)>.")
        case let (name?, nil): sentence("From: \(name).")
        case let (nil, email?): sentence("From: <\(email)>.")
        case (nil, nil): break
        }
        let utm = campaign.utm.pairs.map { "\($0.name)=\($0.value)" }
        if !utm.isEmpty {
            sentence("Its links are set to carry \(FigureText.list(utm)).")
            evidence.append("UTM: \(utm.joined(separator: ", "))")
        }
        if !campaign.tags.isEmpty { evidence.append("Tags: \(campaign.tags.joined(separator: ", "))") }
        sentence("Performance figures and insights will follow once it is sent.")
        return c.insight(.info, title: title, detail: detail, evidence: evidence)
    }

    // MARK: - Sent or sending: how it performed

    mutating func performance() -> Insight {
        let sending = c.isSending
        let label = sending ? "Sending" : "Sent"
        let counts = c.counts, rates = c.rates
        guard c.hasFigures, counts.sent > 0 else {
            let detail: InsightText = sending
                ? "This campaign is still sending, and the data records no emails as sent yet."
                : "This campaign is marked as sent\(onDate: c.evaluation.input.campaign.sentAt), but the data holds no figures for it, so nothing can be said about its performance."
            return c.insight(.info, title: sending ? "Sending: nothing recorded yet" : "Sent: no figures in the data",
                             detail: detail, evidence: ["Status: \(c.status.rawValue)", "Figures: none"])
        }
        var evidence: [InsightText] = []
        evidence.reserveCapacity(8)
        var source: String?
        var sourceURL: String?

        // Status and delivery.
        let delivery = rates.delivery ?? 0
        if sending {
            if let size = c.audience.size, size > 0 {
                sentence("""
                    Still sending: so far \(count: counts.sent) of the \(count: size) contacts targeted \
                    have been sent to and \(count: counts.delivered) emails delivered (\(percent: delivery) of those sent).
                    """)
            } else {
                sentence("""
                    Still sending: so far \(count: counts.sent) emails have been sent and \
                    \(count: counts.delivered) delivered (\(percent: delivery)).
                    """)
            }
        } else {
            let audience: InsightText = c.audience.name.map { " to “\($0)”" } ?? ""
            sentence("""
                Sent\(onDate: c.evaluation.input.campaign.sentAt)\(audience): \(count: counts.delivered) of \(count: counts.sent) emails were delivered (\(percent: delivery)).
                """)
        }
        evidence.append(c.rateLine("Delivery rate", delivery, counts.delivered, counts.sent, "sent"))

        var title: InsightText
        if let open = rates.open, let click = rates.click {
            title = "\(label): \(percent: delivery) delivered, \(percent: open) opened, \(percent: click) clicked"
            // Engagement.
            let basis = OpenRateBasis(counts, rates)
            let human: InsightText = basis.map { $0.excludesAutomated ? " (\(percent: $0.rate) not counting automated opens)" : "" } ?? ""
            let clickToOpen: InsightText = rates.clickToOpen.map { counts.uniqueClicks > 0 ? ", \(percent: $0) of those who opened" : "" } ?? ""
            if sending {
                sentence("So far \(percent: open) of delivered recipients have opened\(human) and \(percent: click) have clicked\(clickToOpen).")
            } else {
                sentence("\(percent: open) of delivered recipients opened\(human) and \(percent: click) clicked\(clickToOpen).")
            }
            evidence.append(c.rateLine("Open rate", open, counts.uniqueOpens, counts.delivered, "delivered"))
            if let basis, basis.excludesAutomated {
                evidence.append(c.rateLine(basis.label, basis.rate, basis.numerator, counts.delivered, "delivered"))
            }
            evidence.append(c.rateLine("Click rate", click, counts.uniqueClicks, counts.delivered, "delivered"))

            // Against the benchmark.
            if let benchmark = c.benchmark, let basis {
                let opens = BenchmarkStanding(rate: basis.rate, benchmark: benchmark.openRate, marginFraction: c.evaluation.plan.openMargin)
                let clicks = BenchmarkStanding(rate: click, benchmark: benchmark.clickRate, marginFraction: c.evaluation.plan.clickMargin)
                let openPublished = benchmark.openPublished, clickPublished = benchmark.clickPublished
                let who = basis.excludesAutomated ? "Human opens" : "Opens"
                let caveat = basis.excludesAutomated ? "" : ", before Apple Mail Privacy Protection inflated opens"
                sentence("""
                    \(who) are \(opens.words) \(benchmark.phrase) of \(openPublished) and clicks are \(clicks.words) its \(clickPublished) \
                    (data as of \(IndustryBenchmark.dataAsOf)\(caveat)).
                    """)
                evidence.append(InsightText(benchmark.summaryLine))
                source = benchmark.citation
                sourceURL = IndustryBenchmark.sourceURL
            }

            // Against the account's history (sent campaigns only: partial figures are not comparable).
            if !sending { history(open: open, click: click, evidence: &evidence) }
        } else {
            title = "\(label): \(count: counts.delivered) delivered"
            if counts.delivered == 0 {
                title = "\(label): nothing delivered\(c.soFar)"
                sentence("None \(sending ? "has been" : "was") recorded as delivered, so there are no open or click rates.")
            }
        }

        sentence(mainProblem())
        return c.insight(.info, title: title, detail: detail, evidence: evidence, source: source, sourceURL: sourceURL)
    }

    /// The sentence comparing opens and clicks with the account's earlier sent campaigns, and its evidence.
    private mutating func history(open: Double, click: Double, evidence: inout [InsightText]) {
        let k = c.config.historyDeviations
        var parts: [InsightText] = []
        var firstCount: Int?, sameCount = true
        for metric in [AccountMetric.open, .click] {
            guard let baseline = c.baseline(metric) else { continue }
            let rate = metric == .open ? open : click
            let noun = metric == .open ? "opens" : "clicks"
            let n = baseline.values.count
            if let firstCount, firstCount != n { sameCount = false }
            firstCount = firstCount ?? n
            if baseline.isUnusual(rate, deviations: k) {
                parts.append("\(noun) are well \(rate > baseline.median ? "above" : "under") its usual \(percent: baseline.median)")
            } else {
                parts.append("\(noun) are in line with its usual \(percent: baseline.median)")
            }
            evidence.append("History: \(metric.label) median \(percent: baseline.median) over the previous \(count: n) sent campaigns")
        }
        guard let n = firstCount else { return }
        let base: InsightText = !sameCount ? "this account's previous sent campaigns"
            : n == 1 ? "this account's previous sent campaign" : "this account's previous \(count: n) sent campaigns"
        let list: InsightText = parts.count == 1 ? parts[0] : "\(parts[0]) and \(parts[1])"
        sentence("Against \(base), \(list).")
    }

    /// The most severe finding of the other rules, as the paragraph's last sentence.
    private func mainProblem() -> InsightText {
        // The others are in rule-table order, one per rule: the first of the most severe is the top one.
        let others = c.others
        var top: Int?
        var warnings = 0
        for i in others.indices where others[i].kind != .summary && others[i].severity >= .notice {
            let severity = others[i].severity
            if severity >= .warning { warnings += 1 }
            if let found = top, severity <= others[found].severity { continue }
            top = i
        }
        guard let top else {
            return c.isSending ? "No problems stand out so far." : "No problems stand out."
        }
        let title = others[top].title
        if others[top].severity >= .warning {
            let more = warnings - 1
            let tail: InsightText = more == 0 ? "" : " (and \(more) more \(more == 1 ? "warning" : "warnings") below)"
            return "The main problem: \(lowercasingFirst: title)\(tail)."
        }
        return "Nothing is alarming; worth a look: \(lowercasingFirst: title)."
    }
}
