/// The rates of DESIGN.md, as fractions; `nil` where the denominator is 0.
public struct Rates: Sendable, Equatable {
    public var delivery: Double?
    public var open: Double?
    public var humanOpen: Double?
    public var click: Double?
    public var clickToOpen: Double?
    public var bounce: Double?
    public var hardBounce: Double?
    public var unsubscribe: Double?
    public var complaint: Double?

    public init(delivery: Double? = nil, open: Double? = nil, humanOpen: Double? = nil, click: Double? = nil,
                clickToOpen: Double? = nil, bounce: Double? = nil, hardBounce: Double? = nil,
                unsubscribe: Double? = nil, complaint: Double? = nil) {
        self.delivery = delivery
        self.open = open
        self.humanOpen = humanOpen
        self.click = click
        self.clickToOpen = clickToOpen
        self.bounce = bounce
        self.hardBounce = hardBounce
        self.unsubscribe = unsubscribe
        self.complaint = complaint
    }

    /// Computes every rate from counts, exactly as DESIGN.md defines them.
    public init(_ c: Counts) {
        delivery = ratio(c.delivered, c.sent)
        open = ratio(c.uniqueOpens, c.delivered)
        humanOpen = c.humanUniqueOpens.flatMap { ratio($0, c.delivered) }
        click = ratio(c.uniqueClicks, c.delivered)
        clickToOpen = ratio(c.uniqueClicks, c.uniqueOpens)
        bounce = ratio(c.bounced, c.sent)
        hardBounce = ratio(c.hardBounced, c.sent)
        unsubscribe = ratio(c.unsubscribed, c.delivered)
        complaint = ratio(c.complaints, c.delivered)
    }

    /// The JSON names of DESIGN.md, in order, with values.
    public var fields: [(name: String, value: Double?)] {
        [("delivery", delivery), ("open", open), ("human_open", humanOpen), ("click", click),
         ("click_to_open", clickToOpen), ("bounce", bounce), ("hard_bounce", hardBounce),
         ("unsubscribe", unsubscribe), ("complaint", complaint)]
    }
}

/// `numerator / denominator`, or nil when the denominator is 0.
public func ratio(_ numerator: Int, _ denominator: Int) -> Double? {
    denominator == 0 ? nil : Double(numerator) / Double(denominator)
}

/// A rate with its formula, as every page must show it.
public struct RateDefinition: Sendable {
    public var key: String
    public var label: String
    public var numerator: String
    public var denominator: String
    public var formula: String { "\(numerator) ÷ \(denominator)" }

    /// Every rate of DESIGN.md with its formula in readers' words.
    public static let all: [RateDefinition] = [
        RateDefinition(key: "delivery", label: "Delivery rate", numerator: "delivered", denominator: "sent"),
        RateDefinition(key: "open", label: "Open rate", numerator: "unique opens", denominator: "delivered"),
        RateDefinition(key: "human_open", label: "Human open rate", numerator: "unique opens not marked automated", denominator: "delivered"),
        RateDefinition(key: "click", label: "Click rate", numerator: "unique clicks", denominator: "delivered"),
        RateDefinition(key: "click_to_open", label: "Click-to-open rate", numerator: "unique clicks", denominator: "unique opens"),
        RateDefinition(key: "bounce", label: "Bounce rate", numerator: "bounced", denominator: "sent"),
        RateDefinition(key: "hard_bounce", label: "Hard bounce rate", numerator: "hard bounced", denominator: "sent"),
        RateDefinition(key: "unsubscribe", label: "Unsubscribe rate", numerator: "unsubscribed", denominator: "delivered"),
        RateDefinition(key: "complaint", label: "Complaint rate", numerator: "spam complaints", denominator: "delivered"),
    ]

    public static func named(_ key: String) -> RateDefinition {
        all.first { $0.key == key } ?? RateDefinition(key: key, label: key, numerator: "?", denominator: "?")
    }
}
