/// Stage "validate", beyond what loading rejects: findings `check` lists.
public enum DataCheck {
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable { case error, warning }
        public var severity: Severity
        /// "FILE:LINE:COL", or a file name.
        public var location: String
        public var message: String
    }

    public static func findings(campaigns: [Campaign], events: EventData) -> [Finding] {
        var result: [Finding] = []
        for row in events.badRows {
            result.append(Finding(severity: .error, location: row.location.description, message: row.message))
        }
        if events.skippedRowCount > events.badRows.count {
            result.append(Finding(severity: .error, location: events.files.joined(separator: ", "),
                                  message: "\(events.skippedRowCount - events.badRows.count) more bad event rows not listed"))
        }
        for c in campaigns {
            let at = c.location?.description ?? "campaigns.json"
            let fromEvents = events.campaigns[c.id]
            if let fromEvents, let counts = c.counts {
                let differing = zip(counts.fields, fromEvents.counts.fields).filter { $0.value != $1.value && $0.value != nil }
                if !differing.isEmpty {
                    let list = differing.map { "\($0.name) \($0.value.map(String.init) ?? "-") in counts vs \($1.value.map(String.init) ?? "-") from events" }
                    result.append(Finding(severity: .warning, location: at,
                                          message: "campaign \(quoted(c.id)): pre-aggregated counts disagree with the events (events win): " + list.joined(separator: "; ")))
                }
            }
            let hasFigures = fromEvents != nil || c.counts != nil
            switch c.status {
            case .sent, .sending:
                if !hasFigures {
                    result.append(Finding(severity: .warning, location: at,
                                          message: "campaign \(quoted(c.id)) is \(c.status.rawValue) but has no events and no counts; its page will show no figures"))
                }
                if c.sentAt == nil {
                    result.append(Finding(severity: .warning, location: at,
                                          message: "campaign \(quoted(c.id)) is \(c.status.rawValue) but has no sent_at; it sorts last and has no history comparison"))
                }
            case .draft, .scheduled:
                if hasFigures {
                    result.append(Finding(severity: .warning, location: at,
                                          message: "campaign \(quoted(c.id)) is \(c.status.rawValue) but has figures; they are not shown until it is sending or sent"))
                }
                if c.status == .scheduled && c.scheduledAt == nil {
                    result.append(Finding(severity: .warning, location: at, message: "campaign \(quoted(c.id)) is scheduled but has no scheduled_at"))
                }
            }
            if let size = c.audience.size, let sent = (fromEvents?.counts ?? c.counts)?.sent, sent > size {
                result.append(Finding(severity: .warning, location: at,
                                      message: "campaign \(quoted(c.id)): sent (\(sent)) is above audience.size (\(size)); the funnel's percentages exceed 100%"))
            }
        }
        return result
    }
}
