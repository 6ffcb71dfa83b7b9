// The campaign's progress: still sending, and where the funnel loses most.

extension InsightRule {
    // MARK: - partial-data

    static let partialData = InsightRule(
        id: "partial-data", kind: .summary, severities: [.notice], name: "Still sending: partial figures",
        formula: "status is sending", source: "Seed product: campaign statuses (Sending: actively being delivered)"
    ) { c in
        guard c.isSending else { return nil }
        let counts = c.counts
        let progress: InsightText
        if let size = c.audience.size, size > 0, c.hasFigures {
            let share = Double(counts.sent) / Double(size)
            progress = "\(count: counts.sent) of the \(count: size) contacts targeted (\(percent: share)) have been sent to so far. "
        } else if c.hasFigures {
            progress = "\(count: counts.sent) emails have been sent so far. "
        } else {
            progress = "the data holds no figures for it yet. "
        }
        let detail: InsightText = """
            This campaign is still sending: \(progress)\
            Every figure here is a so-far value and will change; rates cover only what has been sent and may shift as late opens and clicks arrive.
            """
        var evidence: [InsightText] = ["Status: sending"]
        if c.hasFigures {
            evidence.append("Sent so far: \(count: counts.sent); delivered so far: \(count: counts.delivered)")
        }
        return c.insight(.notice, title: "Still sending: figures are partial", detail: detail, evidence: evidence)
    }

    // MARK: - largest-drop-off

    static let largestDropOff = InsightRule(
        id: "largest-drop-off", kind: .summary, severities: [.info], name: "Largest funnel drop-off",
        formula: "the step of Audience → Sent → Delivered → Opened → Clicked that loses the most contacts",
        source: "Seed product: performance funnel (spot where drop-off is happening)"
    ) { c in
        let funnel = c.evaluation.input.metrics.funnel
        guard c.hasFigures, c.counts.sent > 0, let drop = funnel.largestDropOff, let share = drop.lostFraction else { return nil }
        let lost = drop.lost, from = drop.from.count
        let what: InsightText
        let hint: String
        switch drop.to.stage {
        case .sent:
            what = "\(count: lost) of \(count: from) targeted contacts (\(percent: share)) \(c.did("were not sent to", "have not been sent to yet"))"
            hint = "Suppressions, audience filters and sending limits decide this step."
        case .delivered:
            what = "\(count: lost) of \(count: from) sent emails (\(percent: share)) \(c.did("were not delivered", "have not been delivered"))"
            hint = "List quality and the sending domain's authentication decide this step."
        case .opened:
            what = "\(count: lost) of \(count: from) delivered recipients (\(percent: share)) \(c.did("did not open", "have not opened"))"
            hint = "The sender name, subject line, preheader and send time decide this step."
        case .clicked:
            what = "\(count: lost) of \(count: from) recipients who opened (\(percent: share)) \(c.did("did not click", "have not clicked"))"
            hint = "The content, the offer and the calls to action decide this step."
        case .audience:
            return nil
        }
        let detail: InsightText = """
            \(c.isSending ? "So far, the" : "The") funnel loses most between \(drop.from.stage.label) and \(drop.to.stage.label): \
            \(what). \(hint)
            """
        // `Funnel: Audience 1,000 → Sent 990 → …`, then one line per step.
        var stages = InsightText(capacity: 128)
        stages.append("Funnel: ")
        var evidence: [InsightText] = [""]
        evidence.reserveCapacity(funnel.stages.count)
        for (i, stage) in funnel.stages.enumerated() {
            if i > 0 { stages.append(" → ") }
            stages.append(stage.stage.label)
            stages.append(" ")
            stages.append(count: stage.count)
            guard i > 0 else { continue }
            let step = Funnel.DropOff(from: funnel.stages[i - 1], to: stage)
            var line: InsightText = "\(step.from.stage.label) → \(step.to.stage.label): \(count: step.lost) lost"
            if let fraction = step.lostFraction {
                line.append(" (")
                line.append(percent: fraction)
                line.append(")")
            }
            evidence.append(line)
        }
        evidence[0] = stages
        return c.insight(.info, title: "Largest drop-off: \(drop.from.stage.label) → \(drop.to.stage.label)\(c.soFar)", detail: detail,
                         evidence: evidence)
    }
}
