// Deliverability and list health: complaints, unsubscribes, bounces, delivery, audience coverage.

private let funnelmarkDefault = "Funnelmark default"
private let ruleOfThumb = "Funnelmark default (common deliverability rule of thumb)"
/// The spam-complaints rule's closing evidence line, one string for every campaign.
private let gmailNote = "Note: Gmail measures its spam rate in Postmaster Tools over its own users; this rate covers all delivered recipients."

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
        let levels = [warning, critical]
        return InsightRule(
            id: "spam-complaints", kind: .anomaly, severities: [.warning, .critical], name: "Spam complaints",
            formula: "spam complaints ÷ delivered", thresholds: [warning, critical],
            source: "Gmail email sender guidelines (bulk-sender requirements, 2024)",
            sourceURL: "https://support.google.com/a/answer/81126"
        ) { c in
            guard let rate = c.rates.complaint, let level = c.crossed(rate, levels) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .warning
            let counts = c.counts
            let detail: InsightText = """
                \(c.soFarLead)\(percent: rate, distinctFrom: c.fraction(level)) of delivered recipients \
                \(c.did("marked the email as spam", "have marked the email as spam")) \
                (\(count: counts.complaints) of \(count: counts.delivered)), \
                at or above the \(limit) \(severity.rawValue) level (\(c.origin(level))). \
                Gmail asks senders to keep their spam rate below 0.1% and never to reach 0.3%; above that it may \
                limit, reject or spam-folder their mail. Make the unsubscribe link easy to find and mail only people who asked for it.
                """
            return c.insight(severity, title: "Spam complaints at or above \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Complaint rate", rate, counts.complaints, counts.delivered, "delivered", distinctFrom: c.fraction(level)),
                c.thresholdLine(levels),
                InsightText(gmailNote),
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
        let levels = [warning, critical]
        return InsightRule(
            id: "high-unsubscribe-rate", kind: .anomaly, severities: [.warning, .critical], name: "High unsubscribe rate",
            formula: "unsubscribed ÷ delivered", thresholds: [warning, critical],
            source: "Seed product guidance (campaign performance page): above 0.5% needs attention"
        ) { c in
            guard let rate = c.rates.unsubscribe, let level = c.crossed(rate, levels) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .warning
            let counts = c.counts
            let detail: InsightText = """
                \(c.soFarLead)\(percent: rate, distinctFrom: c.fraction(level)) of delivered recipients \
                \(c.did("unsubscribed", "have unsubscribed")) \
                (\(count: counts.unsubscribed) of \(count: counts.delivered)), \
                above the \(limit) level at which content or audience targeting needs attention (\(c.origin(level))).
                """
            return c.insight(severity, title: "Unsubscribe rate above \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Unsubscribe rate", rate, counts.unsubscribed, counts.delivered, "delivered", distinctFrom: c.fraction(level)),
                c.thresholdLine(levels),
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
        let levels = [warning, critical]
        return InsightRule(
            id: "high-bounce-rate", kind: .anomaly, severities: [.warning, .critical], name: "High bounce rate",
            formula: "bounced ÷ sent", thresholds: [warning, critical], source: ruleOfThumb
        ) { c in
            guard let rate = c.rates.bounce, let level = c.crossed(rate, levels) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .warning
            let counts = c.counts
            let split: InsightText = counts.bounced == 0 ? ""
                : "\(count: counts.hardBounced) of them were hard bounces (permanent) and \(count: counts.softBounced) soft (temporary). "
            let detail: InsightText = """
                \(c.soFarLead)\(percent: rate, distinctFrom: c.fraction(level)) of sent emails \
                \(c.did("bounced", "have bounced")) (\(count: counts.bounced) of \(count: counts.sent)), \
                above the \(limit) \(severity.rawValue) level (\(c.origin(level))). \
                \(split)\
                Mailbox providers read a high bounce rate as a sign of a poorly kept list: remove dead addresses and check how new ones are collected.
                """
            return c.insight(severity, title: "Bounce rate above \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Bounce rate", rate, counts.bounced, counts.sent, "sent", distinctFrom: c.fraction(level)),
                "Hard / soft: \(count: counts.hardBounced) / \(count: counts.softBounced)",
                c.thresholdLine(levels),
            ])
        }
    }()

    // MARK: - low-delivery-rate

    static let lowDeliveryRate: InsightRule = {
        let warning = InsightParameter(
            "warning_below_percent", default: 95, unit: .percent, severity: .warning, comparison: .below,
            meaning: "warning when the delivery rate is below this", origin: ruleOfThumb)
        let levels = [warning]
        return InsightRule(
            id: "low-delivery-rate", kind: .anomaly, severities: [.warning], name: "Low delivery rate",
            formula: "delivered ÷ sent", thresholds: [warning], source: ruleOfThumb
        ) { c in
            guard let rate = c.rates.delivery, let level = c.crossed(rate, levels) else { return nil }
            let limit = c.text(level)
            let counts = c.counts
            let missing = max(0, counts.sent - counts.delivered)
            let bounces: InsightText = counts.bounced == 0 ? ""
                : "Of the \(count: missing) not delivered, \(count: counts.bounced) bounced. "
            let detail: InsightText = """
                \(c.soFarLead)\(percent: rate, distinctFrom: c.fraction(level)) of sent emails \
                \(c.did("were delivered", "have been delivered")) (\(count: counts.delivered) of \(count: counts.sent)), \
                below the \(limit) level (\(c.origin(level))). \
                \(bounces)\
                Check the bounce reasons, the list's quality and the sending domain's authentication (SPF, DKIM, DMARC).
                """
            return c.insight(.warning, title: "Delivery rate below \(limit)\(c.soFar)", detail: detail, evidence: [
                c.rateLine("Delivery rate", rate, counts.delivered, counts.sent, "sent", distinctFrom: c.fraction(level)),
                "Not delivered: \(count: missing) (bounced \(count: counts.bounced), dropped \(count: counts.dropped))",
                c.thresholdLine(levels),
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
        let levels = [notice, warning]
        return InsightRule(
            id: "hard-bounces", kind: .recommendation, severities: [.notice, .warning], name: "Hard bounces: clean the list",
            formula: "hard bounced ÷ sent", thresholds: [notice, warning], source: ruleOfThumb
        ) { c in
            let counts = c.counts
            guard let rate = c.rates.hardBounce, counts.hardBounced > 0, let level = c.crossed(rate, levels) else { return nil }
            let limit = c.text(level)
            let severity = level.severity ?? .notice
            let detail: InsightText = """
                \(c.soFarLead)\(percent: rate, distinctFrom: c.fraction(level)) of sent emails \
                \(c.did("hard-bounced", "have hard-bounced")) (\(count: counts.hardBounced) of \(count: counts.sent)), \
                above the \(limit) level (\(c.origin(level))). A hard bounce means the address does not exist or refuses mail for good. \
                Remove these addresses before the next send (most platforms suppress them automatically; check yours does) \
                and review how they got on the list: repeated sends to dead addresses hurt sender reputation.
                """
            var evidence = [c.rateLine("Hard bounce rate", rate, counts.hardBounced, counts.sent, "sent", distinctFrom: c.fraction(level))]
            if let share = ratio(counts.hardBounced, counts.bounced) {
                evidence.append("Hard bounces: \(count: counts.hardBounced) of \(count: counts.bounced) bounces (\(percent: share))")
            }
            evidence.append(c.thresholdLine(levels))
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
        let levels = [info, notice]
        return InsightRule(
            id: "audience-not-fully-sent", kind: .anomaly, severities: [.info, .notice], name: "Audience not fully sent",
            formula: "(audience − sent) ÷ audience", thresholds: [info, notice], source: funnelmarkDefault
        ) { c in
            let sent = c.counts.sent
            // A campaign still sending has not reached everyone yet; partial-data says so.
            guard c.status == .sent, c.hasFigures, let size = c.audience.size, size > 0, sent < size else { return nil }
            let unsent = size - sent
            let share = Double(unsent) / Double(size)
            guard let level = c.crossed(share, levels) else { return nil }
            let audience: InsightText = c.audience.name.map { " in “\($0)”" } ?? ""
            let detail: InsightText = """
                \(count: sent) of the \(count: size) contacts targeted\(audience) were sent to; \
                \(count: unsent) (\(percent: share, distinctFrom: c.fraction(level))) were not. \
                Platforms skip suppressed contacts (earlier unsubscribes, bounces and complaints) and invalid addresses; \
                if the gap is larger than the suppression list explains, check the audience's filters.
                """
            return c.insight(level.severity ?? .info, title: "\(count: unsent) targeted contacts not sent to", detail: detail, evidence: [
                "Not sent: \(percent: share, distinctFrom: c.fraction(level)) (\(count: unsent) ÷ \(count: size) audience)",
                c.thresholdLine(levels),
            ])
        }
    }()
}
