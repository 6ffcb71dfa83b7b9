/// Where a campaign is in its lifecycle (the seed page's four statuses).
public enum CampaignStatus: String, Sendable, CaseIterable, Codable {
    case draft, scheduled, sending, sent

    /// The label shown to readers.
    public var label: String {
        switch self {
        case .draft: "Draft"
        case .scheduled: "Scheduled"
        case .sending: "Sending"
        case .sent: "Sent"
        }
    }
}

/// The contacts a campaign targets.
public struct Audience: Sendable, Equatable {
    public var name: String?
    /// Contacts targeted; `nil` when the data does not say.
    public var size: Int?

    public init(name: String? = nil, size: Int? = nil) {
        self.name = name
        self.size = size
    }
}

/// UTM parameters as configured for a campaign's links.
public struct UTMParameters: Sendable, Equatable {
    public var source: String?
    public var medium: String?
    public var campaign: String?
    public var term: String?
    public var content: String?

    public init(source: String? = nil, medium: String? = nil, campaign: String? = nil, term: String? = nil, content: String? = nil) {
        self.source = source
        self.medium = medium
        self.campaign = campaign
        self.term = term
        self.content = content
    }

    /// The parameters that are set, in the canonical order, as (`utm_x`, value).
    public var pairs: [(name: String, value: String)] {
        [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign), ("utm_term", term), ("utm_content", content)]
            .compactMap { name, value in value.map { (name, $0) } }
    }

    public var isEmpty: Bool { pairs.isEmpty }
}

/// A point in time as written in the input, kept with its UTC offset so it can be shown as the author wrote it.
public struct Timestamp: Sendable, Equatable, Comparable {
    /// Seconds since the Unix epoch (UTC).
    public var epochSeconds: Double
    /// The offset from UTC the input used, in seconds (0 for `Z` or epoch input).
    public var utcOffsetSeconds: Int

    public init(epochSeconds: Double, utcOffsetSeconds: Int = 0) {
        self.epochSeconds = epochSeconds
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
}

/// Clicks on one link of a campaign.
public struct LinkStat: Sendable, Equatable {
    public var url: String
    /// Click events on this URL.
    public var clicks: Int
    /// Distinct recipients who clicked this URL.
    public var uniqueClicks: Int

    public init(url: String, clicks: Int, uniqueClicks: Int) {
        self.url = url
        self.clicks = clicks
        self.uniqueClicks = uniqueClicks
    }
}

/// Where something came from in an input file, for error messages.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One email campaign as described in campaigns.json.
public struct Campaign: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var subject: String?
    public var preheader: String?
    public var fromName: String?
    public var fromEmail: String?
    public var status: CampaignStatus
    public var audience: Audience
    public var scheduledAt: Timestamp?
    public var sentAt: Timestamp?
    public var completedAt: Timestamp?
    public var tags: [String]
    public var utm: UTMParameters
    /// Pre-aggregated figures, if the input carried them.
    public var counts: Counts?
    /// Pre-aggregated per-link clicks, if the input carried them.
    public var links: [LinkStat]?
    /// Where the campaign's object starts in campaigns.json.
    public var location: SourceLocation?
    /// A digest (FNV-1a) of the campaign's object as written in campaigns.json: whatever the
    /// file says of this campaign changed exactly when this changes.
    public var sourceDigest: UInt64?

    public init(id: String, name: String? = nil, subject: String? = nil, preheader: String? = nil,
                fromName: String? = nil, fromEmail: String? = nil, status: CampaignStatus,
                audience: Audience = Audience(), scheduledAt: Timestamp? = nil, sentAt: Timestamp? = nil,
                completedAt: Timestamp? = nil, tags: [String] = [], utm: UTMParameters = UTMParameters(),
                counts: Counts? = nil, links: [LinkStat]? = nil, location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.subject = subject
        self.preheader = preheader
        self.fromName = fromName
        self.fromEmail = fromEmail
        self.status = status
        self.audience = audience
        self.scheduledAt = scheduledAt
        self.sentAt = sentAt
        self.completedAt = completedAt
        self.tags = tags
        self.utm = utm
        self.counts = counts
        self.links = links
        self.location = location
    }

    /// The name to show: the campaign's name, else its id.
    public var displayName: String { name?.isEmpty == false ? name! : id }
}
