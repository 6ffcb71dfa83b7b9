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
        // Appended one by one (no array of all five made first): every link of every page asks.
        guard !isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(5)
        if let source { pairs.append(("utm_source", source)) }
        if let medium { pairs.append(("utm_medium", medium)) }
        if let campaign { pairs.append(("utm_campaign", campaign)) }
        if let term { pairs.append(("utm_term", term)) }
        if let content { pairs.append(("utm_content", content)) }
        return pairs
    }

    public var isEmpty: Bool { source == nil && medium == nil && campaign == nil && term == nil && content == nil }
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
///
/// A value type whose fields live in one shared copy-on-write box: a campaign is copied on its
/// way into the insight inputs and the reports, and copying one reference is much cheaper than
/// copying some 470 bytes and a dozen reference counts, ten thousand times over.
public struct Campaign: Sendable, Equatable {
    /// The stored fields.
    struct Fields: Equatable {
        var id: String
        var name: String?
        var subject: String?
        var preheader: String?
        var fromName: String?
        var fromEmail: String?
        var status: CampaignStatus
        var audience: Audience
        var scheduledAt: Timestamp?
        var sentAt: Timestamp?
        var completedAt: Timestamp?
        var tags: [String]
        var utm: UTMParameters
        var counts: Counts?
        var links: [LinkStat]?
        var location: SourceLocation?
        var sourceDigest: UInt64?
    }

    /// The box: written only through a `Campaign` that holds the only reference to it, so sharing it is safe.
    final class Storage: @unchecked Sendable {
        // Unchecked: every write goes through `Campaign.update`, after making the box unique.
        @exclusivity(unchecked) var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    /// Changes the fields, first copying the box if another campaign shares it.
    @inline(__always)
    private mutating func update(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
        change(&storage.fields)
    }

    public var id: String {
        get { storage.fields.id }
        set { update { $0.id = newValue } }
    }
    public var name: String? {
        get { storage.fields.name }
        set { update { $0.name = newValue } }
    }
    public var subject: String? {
        get { storage.fields.subject }
        set { update { $0.subject = newValue } }
    }
    public var preheader: String? {
        get { storage.fields.preheader }
        set { update { $0.preheader = newValue } }
    }
    public var fromName: String? {
        get { storage.fields.fromName }
        set { update { $0.fromName = newValue } }
    }
    public var fromEmail: String? {
        get { storage.fields.fromEmail }
        set { update { $0.fromEmail = newValue } }
    }
    public var status: CampaignStatus {
        get { storage.fields.status }
        set { update { $0.status = newValue } }
    }
    public var audience: Audience {
        get { storage.fields.audience }
        set { update { $0.audience = newValue } }
    }
    public var scheduledAt: Timestamp? {
        get { storage.fields.scheduledAt }
        set { update { $0.scheduledAt = newValue } }
    }
    public var sentAt: Timestamp? {
        get { storage.fields.sentAt }
        set { update { $0.sentAt = newValue } }
    }
    public var completedAt: Timestamp? {
        get { storage.fields.completedAt }
        set { update { $0.completedAt = newValue } }
    }
    public var tags: [String] {
        get { storage.fields.tags }
        set { update { $0.tags = newValue } }
    }
    public var utm: UTMParameters {
        get { storage.fields.utm }
        set { update { $0.utm = newValue } }
    }
    /// Pre-aggregated figures, if the input carried them.
    public var counts: Counts? {
        get { storage.fields.counts }
        set { update { $0.counts = newValue } }
    }
    /// Pre-aggregated per-link clicks, if the input carried them.
    public var links: [LinkStat]? {
        get { storage.fields.links }
        set { update { $0.links = newValue } }
    }
    /// Where the campaign's object starts in campaigns.json.
    public var location: SourceLocation? {
        get { storage.fields.location }
        set { update { $0.location = newValue } }
    }
    /// A digest (FNV-1a) of the campaign's object as written in campaigns.json: whatever the
    /// file says of this campaign changed exactly when this changes.
    public var sourceDigest: UInt64? {
        get { storage.fields.sourceDigest }
        set { update { $0.sourceDigest = newValue } }
    }

    public init(id: String, name: String? = nil, subject: String? = nil, preheader: String? = nil,
                fromName: String? = nil, fromEmail: String? = nil, status: CampaignStatus,
                audience: Audience = Audience(), scheduledAt: Timestamp? = nil, sentAt: Timestamp? = nil,
                completedAt: Timestamp? = nil, tags: [String] = [], utm: UTMParameters = UTMParameters(),
                counts: Counts? = nil, links: [LinkStat]? = nil, location: SourceLocation? = nil) {
        storage = Storage(Fields(id: id, name: name, subject: subject, preheader: preheader, fromName: fromName,
                                 fromEmail: fromEmail, status: status, audience: audience, scheduledAt: scheduledAt,
                                 sentAt: sentAt, completedAt: completedAt, tags: tags, utm: utm, counts: counts,
                                 links: links, location: location, sourceDigest: nil))
    }

    public static func == (lhs: Campaign, rhs: Campaign) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    /// The name to show: the campaign's name, else its id.
    public var displayName: String { name?.isEmpty == false ? name! : id }
}
