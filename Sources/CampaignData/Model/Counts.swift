/// The counted figures of one campaign (DESIGN.md, "Metric definitions").
///
/// Every field is a number of distinct recipients, except `totalOpens` and
/// `totalClicks`, which count events.
public struct Counts: Sendable, Equatable {
    public var sent = 0
    public var delivered = 0
    public var bounced = 0
    public var hardBounced = 0
    public var softBounced = 0
    public var uniqueOpens = 0
    public var totalOpens = 0
    /// Recipients with an open not marked machine, or a click; `nil` when the
    /// data cannot tell human from machine opens (pre-aggregated input without it).
    public var humanUniqueOpens: Int? = 0
    public var uniqueClicks = 0
    public var totalClicks = 0
    public var unsubscribed = 0
    public var complaints = 0
    public var dropped = 0

    public init() {}

    public init(sent: Int = 0, delivered: Int = 0, bounced: Int = 0, hardBounced: Int = 0, softBounced: Int = 0,
                uniqueOpens: Int = 0, totalOpens: Int = 0, humanUniqueOpens: Int? = 0, uniqueClicks: Int = 0,
                totalClicks: Int = 0, unsubscribed: Int = 0, complaints: Int = 0, dropped: Int = 0) {
        self.sent = sent
        self.delivered = delivered
        self.bounced = bounced
        self.hardBounced = hardBounced
        self.softBounced = softBounced
        self.uniqueOpens = uniqueOpens
        self.totalOpens = totalOpens
        self.humanUniqueOpens = humanUniqueOpens
        self.uniqueClicks = uniqueClicks
        self.totalClicks = totalClicks
        self.unsubscribed = unsubscribed
        self.complaints = complaints
        self.dropped = dropped
    }

    /// The JSON field names of DESIGN.md, in their documented order, with values.
    public var fields: [(name: String, value: Int?)] {
        [("sent", sent), ("delivered", delivered), ("bounced", bounced), ("hard_bounced", hardBounced),
         ("soft_bounced", softBounced), ("unique_opens", uniqueOpens), ("total_opens", totalOpens),
         ("human_unique_opens", humanUniqueOpens), ("unique_clicks", uniqueClicks), ("total_clicks", totalClicks),
         ("unsubscribed", unsubscribed), ("complaints", complaints), ("dropped", dropped)]
    }

    /// The JSON field names, in order.
    public static let fieldNames = Counts().fields.map(\.name)
}
