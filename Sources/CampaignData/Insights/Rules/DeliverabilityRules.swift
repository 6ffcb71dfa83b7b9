// Deliverability and list health: complaints, unsubscribes, bounces, delivery, audience coverage.

private let funnelmarkDefault = "Funnelmark default"
private let ruleOfThumb = "Funnelmark default (common deliverability rule of thumb)"

extension InsightRule {
    // MARK: - spam-complaints

    static let spamComplaints: InsightRule = {
        let warning = InsightParameter(
            "warning_at_or_above_percent", default: 0.1, unit: .percent, severity: .warning, comparison: .atOrAbove,
            meaning: "warning when the complaint rate reaches this (Gmail: keep it below 0.1%)",
            origin: "Gmail email sender guidelines")
        let critical = InsightParameter(
            "critical_at_or_above_percent", default: 0.3, unit: .percent, severity: .critical, comparison: .atOrAbove,
            meaning: "critical when the complaint rate reaches this (Gmail: never reach 0.3%)",
            origin: "Gmail email sender guidelines")
        return InsightRule(
            id: "spam-complaints", kind: .anomaly, severities: [.warning, .critical], name: "Spam complaints",
            formula: "spam complaints ÷ delivered", thresholds: [warning, critical],
            source: "Gmail email sender guidelines (bulk-sender requirements, 2024)",
            sourceURL: "https://support.google.com/a/answer/81126"
        ) { c in
            guard let rate = c.rates.complaint, let level = c.crossed(rate, [warning, critical]) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .warning
            let detail = "\(c.soFarLead)\(FigureText.percent(rate, distinctFrom: c.fraction(level))) of delivered recipients "
                + "\(c.did("marked the email as spam", "have marked the email as spam")) "
                + "(\(FigureText.count(c.counts.complaints)) of \(FigureText.count(c.counts.delivered))), "
                + "at or above the \(limit) \(severity.rawValue) level (\(c.origin(level))). "
                + "Gmail asks senders to keep their spam rate below 0.1% and never to reach 0.3%; above that it may "
                + "limit, reject or spam-folder their mail. Make the unsubscribe link easy to find and mail only people who asked for it."
            return c.insight(severity, title: "Spam complaints at or above \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Complaint rate", rate, c.counts.complaints, c.counts.delivered, "delivered", distinctFrom: c.fraction(level)),
                c.thresholdLine([warning, critical]),
                "Note: Gmail measures its spam rate in Postmaster Tools over its own users; this rate covers all delivered recipients.",
            ])
        }
    }()

    // MARK: - high-unsubscribe-rate

    static let highUnsubscribeRate: InsightRule = {
        let warning = InsightParameter(
            "warning_above_percent", default: 0.5, unit: .percent, severity: .warning, comparison: .above,
            meaning: "warning when the unsubscribe rate is above this", origin: "seed product guidance")
        let critical = InsightParameter(
            "critical_above_percent", default: 1, unit: .percent, severity: .critical, comparison: .above,
            meaning: "critical when the unsubscribe rate is above this", origin: "Funnelmark default, twice the seed level")
        return InsightRule(
            id: "high-unsubscribe-rate", kind: .anomaly, severities: [.warning, .critical], name: "High unsubscribe rate",
            formula: "unsubscribed ÷ delivered", thresholds: [warning, critical],
            source: "Seed product guidance (campaign performance page): above 0.5% needs attention"
        ) { c in
            guard let rate = c.rates.unsubscribe, let level = c.crossed(rate, [warning, critical]) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .warning
            let detail = "\(c.soFarLead)\(FigureText.percent(rate, distinctFrom: c.fraction(level))) of delivered recipients "
                + "\(c.did("unsubscribed", "have unsubscribed")) "
                + "(\(FigureText.count(c.counts.unsubscribed)) of \(FigureText.count(c.counts.delivered))), "
                + "above the \(limit) level at which content or audience targeting needs attention (\(c.origin(level)))."
            return c.insight(severity, title: "Unsubscribe rate above \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Unsubscribe rate", rate, c.counts.unsubscribed, c.counts.delivered, "delivered", distinctFrom: c.fraction(level)),
                c.thresholdLine([warning, critical]),
            ])
        }
    }()

    // MARK: - high-bounce-rate

    static let highBounceRate: InsightRule = {
        let warning = InsightParameter(
            "warning_above_percent", default: 2, unit: .percent, severity: .warning, comparison: .above,
            meaning: "warning when the bounce rate is above this", origin: ruleOfThumb)
        let critical = InsightParameter(
            "critical_above_percent", default: 5, unit: .percent, severity: .critical, comparison: .above,
            meaning: "critical when the bounce rate is above this", origin: ruleOfThumb)
        return InsightRule(
            id: "high-bounce-rate", kind: .anomaly, severities: [.warning, .critical], name: "High bounce rate",
            formula: "bounced ÷ sent", thresholds: [warning, critical], source: ruleOfThumb
        ) { c in
            guard let rate = c.rates.bounce, let level = c.crossed(rate, [warning, critical]) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .warning
            var detail = "\(c.soFarLead)\(FigureText.percent(rate, distinctFrom: c.fraction(level))) of sent emails "
                + "\(c.did("bounced", "have bounced")) (\(FigureText.count(c.counts.bounced)) of \(FigureText.count(c.counts.sent))), "
                + "above the \(limit) \(severity.rawValue) level (\(c.origin(level))). "
            if c.counts.bounced > 0 {
                detail += "\(FigureText.count(c.counts.hardBounced)) of them were hard bounces (permanent) and "
                    + "\(FigureText.count(c.counts.softBounced)) soft (temporary). "
            }
            detail += "Mailbox providers read a high bounce rate as a sign of a poorly kept list: remove dead addresses and check how new ones are collected."
            return c.insight(severity, title: "Bounce rate above \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Bounce rate", rate, c.counts.bounced, c.counts.sent, "sent", distinctFrom: c.fraction(level)),
                "Hard / soft: \(FigureText.count(c.counts.hardBounced)) / \(FigureText.count(c.counts.softBounced))",
                c.thresholdLine([warning, critical]),
            ])
        }
    }()

    // MARK: - low-delivery-rate

    static let lowDeliveryRate: InsightRule = {
        let warning = InsightParameter(
            "warning_below_percent", default: 95, unit: .percent, severity: .warning, comparison: .below,
            meaning: "warning when the delivery rate is below this", origin: ruleOfThumb)
        return InsightRule(
            id: "low-delivery-rate", kind: .anomaly, severities: [.warning], name: "Low delivery rate",
            formula: "delivered ÷ sent", thresholds: [warning], source: ruleOfThumb
        ) { c in
            guard let rate = c.rates.delivery, let level = c.crossed(rate, [warning]) else { return nil }
            let limit = c.text(level)
            let missing = max(0, c.counts.sent - c.counts.delivered)
            var detail = "\(c.soFarLead)\(FigureText.percent(rate, distinctFrom: c.fraction(level))) of sent emails "
                + "\(c.did("were delivered", "have been delivered")) (\(FigureText.count(c.counts.delivered)) of \(FigureText.count(c.counts.sent))), "
                + "below the \(limit) level (\(c.origin(level))). "
            if c.counts.bounced > 0 {
                detail += "Of the \(FigureText.count(missing)) not delivered, \(FigureText.count(c.counts.bounced)) bounced. "
            }
            detail += "Check the bounce reasons, the list's quality and the sending domain's authentication (SPF, DKIM, DMARC)."
            return c.insight(.warning, title: "Delivery rate below \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Delivery rate", rate, c.counts.delivered, c.counts.sent, "sent", distinctFrom: c.fraction(level)),
                "Not delivered: \(FigureText.count(missing)) (bounced \(FigureText.count(c.counts.bounced)), dropped \(FigureText.count(c.counts.dropped)))",
                c.thresholdLine([warning]),
            ])
        }
    }()

    // MARK: - hard-bounces

    static let hardBounces: InsightRule = {
        let notice = InsightParameter(
            "notice_above_percent", default: 0.5, unit: .percent, severity: .notice, comparison: .above,
            meaning: "recommend list cleaning when the hard bounce rate is above this", origin: funnelmarkDefault)
        let warning = InsightParameter(
            "warning_above_percent", default: 2, unit: .percent, severity: .warning, comparison: .above,
            meaning: "make it a warning when the hard bounce rate is above this", origin: funnelmarkDefault)
        return InsightRule(
            id: "hard-bounces", kind: .recommendation, severities: [.notice, .warning], name: "Hard bounces: clean the list",
            formula: "hard bounced ÷ sent", thresholds: [notice, warning], source: ruleOfThumb
        ) { c in
            guard let rate = c.rates.hardBounce, c.counts.hardBounced > 0, let level = c.crossed(rate, [notice, warning]) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .notice
            let share = ratio(c.counts.hardBounced, c.counts.bounced)
            let detail = "\(c.soFarLead)\(FigureText.percent(rate, distinctFrom: c.fraction(level))) of sent emails "
                + "\(c.did("hard-bounced", "have hard-bounced")) (\(FigureText.count(c.counts.hardBounced)) of \(FigureText.count(c.counts.sent))), "
                + "above the \(limit) level (\(c.origin(level))). A hard bounce means the address does not exist or refuses mail for good. "
                + "Remove these addresses before the next send (most platforms suppress them automatically; check yours does) "
                + "and review how they got on the list: repeated sends to dead addresses hurt sender reputation."
            var evidence = [c.rateLine("Hard bounce rate", rate, c.counts.hardBounced, c.counts.sent, "sent", distinctFrom: c.fraction(level))]
            if let share {
                evidence.append("Hard bounces: \(FigureText.count(c.counts.hardBounced)) of \(FigureText.count(c.counts.bounced)) bounces (\(FigureText.percent(share)))")
            }
            evidence.append(c.thresholdLine([notice, warning]))
            return c.insight(severity, title: "Clean the list: hard bounces above \(limit)\(c.soFar)", detail: detail, evidence: evidence)
        }
    }()

    // MARK: - audience-not-fully-sent

    static let audienceNotFullySent: InsightRule = {
        let info = InsightParameter(
            "info_above_percent", default: 0, unit: .percent, severity: .info, comparison: .above,
            meaning: "mention it when the share of targeted contacts not sent to is above this", origin: funnelmarkDefault)
        let notice = InsightParameter(
            "notice_above_percent", default: 10, unit: .percent, severity: .notice, comparison: .above,
            meaning: "make it a notice when the share not sent to is above this", origin: funnelmarkDefault)
        return InsightRule(
            id: "audience-not-fully-sent", kind: .anomaly, severities: [.info, .notice], name: "Audience not fully sent",
            formula: "(audience − sent) ÷ audience", thresholds: [info, notice], source: funnelmarkDefault
        ) { c in
            // A campaign still sending has not reached everyone yet; partial-data says so.
            guard c.campaign.status == .sent, c.hasFigures, let size = c.campaign.audience.size, size > 0,
                  c.counts.sent < size else { return nil }
            let unsent = size - c.counts.sent
            let share = Double(unsent) / Double(size)
            guard let level = c.crossed(share, [info, notice]) else { return nil }
            let audience = c.campaign.audience.name.map { " in “\($0)”" } ?? ""
            let detail = "\(FigureText.count(c.counts.sent)) of the \(FigureText.count(size)) contacts targeted\(audience) were sent to; "
                + "\(FigureText.count(unsent)) (\(FigureText.percent(share, distinctFrom: c.fraction(level)))) were not. "
                + "Platforms skip suppressed contacts (earlier unsubscribes, bounces and complaints) and invalid addresses; "
                + "if the gap is larger than the suppression list explains, check the audience's filters."
            return c.insight(level.severity ?? .info, title: "\(FigureText.count(unsent)) targeted contacts not sent to", detail: detail, evidence: [
                "Not sent: \(FigureText.percent(share, distinctFrom: c.fraction(level))) (\(FigureText.count(unsent)) ÷ \(FigureText.count(size)) audience)",
                c.thresholdLine([info, notice]),
            ])
        }
    }()
}
