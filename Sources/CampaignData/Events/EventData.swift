/// How `EventLoader.load` treats rows it cannot use.
public struct EventLoadOptions: Sendable {
    /// Skip bad rows, counting them, instead of stopping at the first one.
    public var skipBadRows: Bool = false
    /// How many skipped rows to keep, with their locations, for the report.
    public var maxReportedBadRows = 5

    /// Bytes of file per parallel part; `nil`: one part per core for large files.
    /// Tests force small parts to check the parallel path against the sequential one.
    var partSize: Int?
    /// Parts to run at once; `nil`: the active processor count.
    var workerCount: Int?
    /// Size of each part's read buffer (tests force tiny buffers to exercise refills).
    var bufferSize = 1 << 20

    public init(skipBadRows: Bool = false, maxReportedBadRows: Int = 5) {
        self.skipBadRows = skipBadRows
        self.maxReportedBadRows = maxReportedBadRows
    }
}

/// An event row skipped because it was bad (with `skipBadRows`).
public struct BadRow: Sendable, Equatable {
    public var location: SourceLocation
    /// What is wrong, naming the value and what was expected.
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }
}

/// Opens and clicks per hour over the first week after a campaign went out.
public struct EngagementTimeline: Sendable, Equatable {
    /// Hours covered: seven days.
    public static let hours = 168

    /// Send start: the campaign's `sent_at` if given, else its earliest sent or delivered event.
    public var start: Timestamp
    /// Open events in hour `i` after `start` (`start + i h ≤ t < start + (i+1) h`), `i` in 0..<168.
    public var hourlyOpens: [Int]
    /// Click events, bucketed the same way.
    public var hourlyClicks: [Int]

    public init(start: Timestamp, hourlyOpens: [Int], hourlyClicks: [Int]) {
        self.start = start
        self.hourlyOpens = hourlyOpens
        self.hourlyClicks = hourlyClicks
    }
}

/// Which mail clients, devices and platforms the openers used.
public struct ClientBreakdown: Sendable, Equatable {
    /// A name and how many recipients it covers.
    public struct Share: Sendable, Equatable {
        public var name: String
        public var recipients: Int

        public init(name: String, recipients: Int) {
            self.name = name
            self.recipients = recipients
        }
    }

    /// "Apple Mail", "Gmail", "Outlook", "Yahoo Mail", "Thunderbird", "Other", "Unknown".
    public var clients: [Share]
    /// "Desktop", "Mobile", "Tablet", "Unknown".
    public var devices: [Share]
    /// "iOS", "Android", "macOS", "Windows", "Linux", "Unknown".
    public var platforms: [Share]

    public init(clients: [Share] = [], devices: [Share] = [], platforms: [Share] = []) {
        self.clients = clients
        self.devices = devices
        self.platforms = platforms
    }
}

/// What the events say about one campaign.
public struct CampaignEvents: Sendable, Equatable {
    /// The figures of DESIGN.md, "Metric definitions", computed exactly.
    public var counts: Counts
    /// Per link (exact URL): sorted by unique clicks, then clicks (both descending), then URL.
    public var links: [LinkStat]
    /// `nil` when the send start is unknown (no `sent_at`, no sent or delivered event).
    public var timeline: EngagementTimeline?
    /// Median over recipients with an open or click and a delivered (else sent)
    /// event of: first open-or-click time − earliest delivered (else sent) time.
    /// `nil` when no recipient qualifies.
    public var medianSecondsToFirstOpen: Double?
    /// Per recipient who opened or clicked: the user agent of their first open or
    /// click. Each list is sorted by recipients (descending), then name; zero rows left out.
    public var clients: ClientBreakdown
    /// Recipients with a click and no open event (tracking pixels blocked).
    public var clickersWithoutOpen: Int
    /// Valid event rows of this campaign, of every type.
    public var eventCount: Int

    public init(counts: Counts, links: [LinkStat], timeline: EngagementTimeline?, medianSecondsToFirstOpen: Double?,
                clients: ClientBreakdown, clickersWithoutOpen: Int, eventCount: Int) {
        self.counts = counts
        self.links = links
        self.timeline = timeline
        self.medianSecondsToFirstOpen = medianSecondsToFirstOpen
        self.clients = clients
        self.clickersWithoutOpen = clickersWithoutOpen
        self.eventCount = eventCount
    }
}

/// Everything the event files of a data folder say.
public struct EventData: Sendable {
    /// Keyed by campaign id; only campaigns that have at least one event.
    public var campaigns: [String: CampaignEvents]
    /// The first few skipped rows, in file order (when skipping bad rows).
    public var badRows: [BadRow]
    public var skippedRowCount: Int
    /// The event files read, sorted.
    public var files: [String]

    public init(campaigns: [String: CampaignEvents] = [:], badRows: [BadRow] = [], skippedRowCount: Int = 0, files: [String] = []) {
        self.campaigns = campaigns
        self.badRows = badRows
        self.skippedRowCount = skippedRowCount
        self.files = files
    }
}
