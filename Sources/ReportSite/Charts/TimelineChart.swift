import CampaignData

/// Opens and clicks per hour for the first 7 days after the send started,
/// as an accessible inline SVG (two lines over a day grid).
public struct TimelineChart: Sendable {
    public var timeline: EngagementTimeline
    public var idPrefix: String

    public init(timeline: EngagementTimeline, idPrefix: String = "timeline") {
        self.timeline = timeline
        self.idPrefix = idPrefix
    }

    static let width = 640.0
    static let height = 220.0
    static let left = 44.0, right = 8.0, top = 12.0, bottom = 34.0

    /// Opens and clicks per day (7 days), for the data table and the description.
    public var days: [(opens: Int, clicks: Int)] {
        (0..<7).map { d in
            let range = (d * 24)..<min((d + 1) * 24, timeline.hourlyOpens.count)
            return (range.reduce(0) { $0 + timeline.hourlyOpens[$1] }, range.reduce(0) { $0 + (timeline.hourlyClicks.indices.contains($1) ? timeline.hourlyClicks[$1] : 0) })
        }
    }

    public var description: String {
        let opens = timeline.hourlyOpens, clicks = timeline.hourlyClicks
        let totalOpens = opens.reduce(0, +), totalClicks = clicks.reduce(0, +)
        var text = "Opens and clicks per hour for the 7 days after \(Format.dateTime(timeline.start)): \(Format.count(totalOpens)) opens and \(Format.count(totalClicks)) clicks."
        if let peak = opens.indices.max(by: { opens[$0] < opens[$1] }), opens[peak] > 0 {
            text += " Opens peaked in hour \(peak + 1) with \(Format.count(opens[peak]))."
        }
        let firstDay = opens.prefix(24).reduce(0, +)
        if totalOpens > 0 {
            text += " \(Format.percent(Double(firstDay) / Double(totalOpens))) of the week's opens came in the first 24 hours."
        }
        return text
    }

    public var svg: TrustedHTML {
        let opens = timeline.hourlyOpens, clicks = timeline.hourlyClicks
        let hours = max(opens.count, 1)
        let peak = max(opens.max() ?? 0, clicks.max() ?? 0, 1)
        let scale = Self.niceCeiling(peak)
        let plotW = Self.width - Self.left - Self.right, plotH = Self.height - Self.top - Self.bottom
        func x(_ h: Double) -> Double { Self.left + plotW * h / Double(hours) }
        func y(_ v: Int) -> Double { Self.top + plotH * (1 - Double(v) / Double(scale)) }
        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        var s = "<svg class=\"chart timeline-chart\" viewBox=\"0 0 \(n(Self.width)) \(n(Self.height))\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" preserveAspectRatio=\"xMinYMin meet\">"
        s += "<title id=\"\(titleID)\">Opens and clicks per hour, first 7 days</title>"
        s += "<desc id=\"\(descID)\">\(HTML.escape(description))</desc>"
        // Horizontal grid with values.
        for k in 0...2 {
            let v = scale * k / 2
            s += "<line class=\"axis\" x1=\"\(n(Self.left))\" x2=\"\(n(Self.width - Self.right))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\"/>"
            s += "<text class=\"tick\" x=\"\(n(Self.left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\">\(Format.count(v))</text>"
        }
        // Day boundaries and labels.
        for d in 0...7 {
            let hx = x(Double(d * 24))
            s += "<line class=\"axis\" x1=\"\(n(hx))\" x2=\"\(n(hx))\" y1=\"\(n(Self.top))\" y2=\"\(n(Self.height - Self.bottom))\"/>"
            if d < 7 { s += "<text class=\"tick\" x=\"\(n(hx + plotW / 14))\" y=\"\(n(Self.height - Self.bottom + 18))\" text-anchor=\"middle\">Day \(d + 1)</text>" }
        }
        func path(_ values: [Int]) -> String {
            values.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(n(x(Double($0.offset) + 0.5))) \(n(y($0.element)))" }.joined()
        }
        s += "<path class=\"series-opens\" d=\"\(path(opens))\"/>"
        s += "<path class=\"series-clicks\" d=\"\(path(clicks))\"/>"
        // Legend.
        s += "<g class=\"legend\"><line class=\"series-opens\" x1=\"\(n(Self.width - 190))\" x2=\"\(n(Self.width - 170))\" y1=\"\(n(Self.height - 6))\" y2=\"\(n(Self.height - 6))\"/><text class=\"tick\" x=\"\(n(Self.width - 164))\" y=\"\(n(Self.height - 2))\">Opens</text>"
        s += "<line class=\"series-clicks\" x1=\"\(n(Self.width - 100))\" x2=\"\(n(Self.width - 80))\" y1=\"\(n(Self.height - 6))\" y2=\"\(n(Self.height - 6))\"/><text class=\"tick\" x=\"\(n(Self.width - 74))\" y=\"\(n(Self.height - 2))\">Clicks</text></g>"
        s += "</svg>"
        return TrustedHTML(unchecked: s)
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    static func niceCeiling(_ value: Int) -> Int {
        var power = 1
        while power * 10 <= value { power *= 10 }
        for m in [1, 2, 5, 10] where m * power >= value { return m * power }
        return 10 * power
    }
}
