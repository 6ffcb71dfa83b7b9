// The campaign's progress: still sending, and where the funnel loses most.

extension InsightRule {
    // MARK: - partial-data

    static let partialData = InsightRule(
        id: "partial-data", kind: .summary, severities: [.notice], name: "Still sending: partial figures",
        formula: "status is sending", source: "Seed product: campaign statuses (Sending: actively being delivered)"
    ) { c in
        guard c.isSending else { return nil }
        var detail = "This campaign is still sending: "
        if let size = c.campaign.audience.size, size > 0, c.hasFigures {
            let share = Double(c.counts.sent) / Double(size)
            detail += "\(FigureText.count(c.counts.sent)) of the \(FigureText.count(size)) contacts targeted (\(FigureText.percent(share))) have been sent to so far. "
        } else if c.hasFigures {
            detail += "\(FigureText.count(c.counts.sent)) emails have been sent so far. "
        } else {
            detail += "the data holds no figures for it yet. "
        }
        detail += "Every figure here is a so-far value and will change; rates cover only what has been sent and may shift as late opens and clicks arrive."
        var evidence = ["Status: sending"]
        if c.hasFigures {
            evidence.append("Sent so far: \(FigureText.count(c.counts.sent)); delivered so far: \(FigureText.count(c.counts.delivered))")
        }
        return c.insight(.notice, title: "Still sending: figures are partial", detail: detail, evidence: evidence)
    }

    // MARK: - largest-drop-off

    static let largestDropOff = InsightRule(
        id: "largest-drop-off", kind: .summary, severities: [.info], name: "Largest funnel drop-off",
        formula: "the step of Audience → Sent → Delivered → Opened → Clicked that loses the most contacts",
        source: "Seed product: performance funnel (spot where drop-off is happening)"
    ) { c in
        guard c.hasFigures, c.counts.sent > 0, let drop = c.metrics.funnel.largestDropOff, let share = drop.lostFraction else { return nil }
        let lost = FigureText.count(drop.lost), from = FigureText.count(drop.from.count)
        let what: String
        let hint: String
        switch drop.to.stage {
        case .sent:
            what = "\(lost) of \(from) targeted contacts (\(FigureText.percent(share))) \(c.did("were not sent to", "have not been sent to yet"))"
            hint = "Suppressions, audience filters and sending limits decide this step."
        case .delivered:
            what = "\(lost) of \(from) sent emails (\(FigureText.percent(share))) \(c.did("were not delivered", "have not been delivered"))"
            hint = "List quality and the sending domain's authentication decide this step."
        case .opened:
            what = "\(lost) of \(from) delivered recipients (\(FigureText.percent(share))) \(c.did("did not open", "have not opened"))"
            hint = "The sender name, subject line, preheader and send time decide this step."
        case .clicked:
            what = "\(lost) of \(from) recipients who opened (\(FigureText.percent(share))) \(c.did("did not click", "have not clicked"))"
            hint = "The content, the offer and the calls to action decide this step."
        case .audience:
            return nil
        }
        let detail = "\(c.isSending ? "So far, the" : "The") funnel loses most between \(drop.from.stage.label) and \(drop.to.stage.label): \(what). \(hint)"
        let funnel = c.metrics.funnel.stages.map { "\($0.stage.label) \(FigureText.count($0.count))" }.joined(separator: " → ")
        let steps = c.metrics.funnel.dropOffs.map { step in
            "\(step.from.stage.label) → \(step.to.stage.label): \(FigureText.count(step.lost)) lost"
                + (step.lostFraction.map { " (\(FigureText.percent($0)))" } ?? "")
        }
        return c.insight(.info, title: "Largest drop-off: \(drop.from.stage.label) → \(drop.to.stage.label)\(c.soFar)", detail: detail,
                         evidence: ["Funnel: " + funnel] + steps)
    }
}
