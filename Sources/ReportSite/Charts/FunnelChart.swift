import CampaignData

/// The funnel Audience → Sent → Delivered → Opened → Clicked as an inline,
/// accessible SVG: one bar per stage against the audience, the previous
/// stage drawn behind it so each drop-off shows as the pale remainder.
public struct FunnelChart: Sendable {
    public var funnel: Funnel
    /// Unique per page, used for the `<title>`/`<desc>` ids.
    public var idPrefix: String

    public init(funnel: Funnel, idPrefix: String = "funnel") {
        self.funnel = funnel
        self.idPrefix = idPrefix
    }

    // Geometry, in viewBox units: a narrow, stacked layout (label and figures
    // above each bar) so the text stays legible when a phone scales it down.
    static let width = 480.0
    static let rowHeight = 66.0
    static var barWidth: Double { width }

    /// The long description read by screen readers.
    public var description: String {
        var text = HTMLBuilder(capacity: 512)
        text.plain("Funnel: ")
        for (i, stage) in funnel.stages.enumerated() {
            if i > 0 { text.plain(", ") }
            text.plain(stage.stage.label)
            text.plain(" ")
            text.plain(Format.count(stage.count))
            text.plain(" (")
            text.plain(percent(stage))
            text.plain(")")
        }
        text.plain(".")
        if let drop = funnel.largestDropOff {
            text.plain(" The largest drop is from ")
            text.plain(drop.from.stage.label)
            text.plain(" to ")
            text.plain(drop.to.stage.label)
            text.plain(": ")
            text.plain(Format.count(drop.lost))
            text.plain(" contacts")
            if let f = drop.lostFraction {
                text.plain(" (")
                text.plain(Format.percent(f))
                text.plain(" of ")
                text.plain(drop.from.stage.label.lowercased())
                text.plain(")")
            }
            text.plain(".")
        }
        return String(decoding: text.bytes, as: UTF8.self)
    }

    func percent(_ stage: FunnelStage) -> String {
        stage.percentOfAudience.map { Format.percentValue($0) + " of audience" } ?? "no audience"
    }

    public var svg: TrustedHTML { TrustedHTML(unchecked: String(decoding: svgBytes(description: description), as: UTF8.self)) }

    /// The chart as UTF-8 bytes, with `description` (this chart's) as its long description.
    func svgBytes(description: String) -> [UInt8] {
        let stages = funnel.stages
        let height = Double(stages.count) * Self.rowHeight
        let top = Double(max(funnel.audience, stages.map(\.count).max() ?? 0))
        func w(_ count: Int) -> Double { top == 0 ? 0 : Self.barWidth * Double(count) / top }
        var s = HTMLBuilder(capacity: 4096)
        s.markup("<svg class=\"chart funnel-chart\" viewBox=\"0 0 ")
        s.number(Self.width)
        s.markup(" ")
        s.number(height)
        s.markup("\" role=\"img\" aria-labelledby=\"")
        s.text(idPrefix)
        s.markup("-title ")
        s.text(idPrefix)
        s.markup("-desc\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"")
        s.text(idPrefix)
        s.markup("-title\">Campaign funnel</title><desc id=\"")
        s.text(idPrefix)
        s.markup("-desc\">")
        s.text(description)
        s.markup("</desc>")
        let largest = funnel.largestDropOff
        for (i, stage) in stages.enumerated() {
            let y = Double(i) * Self.rowHeight
            s.markup("<g class=\"stage stage-")
            s.plain(stage.stage.rawValue)
            s.markup("\"><text class=\"stage-label\" x=\"0\" y=\"")
            s.number(y + 16)
            s.markup("\">")
            s.plain(stage.stage.label)
            s.markup("</text><text class=\"stage-value\" x=\"")
            s.number(Self.width)
            s.markup("\" y=\"")
            s.number(y + 16)
            s.markup("\" text-anchor=\"end\">")
            s.plain(Format.count(stage.count))
            s.markup(" <tspan class=\"stage-percent\">· ")
            s.plain(stage.percentOfAudience.map { Format.percentValue($0) } ?? "—")
            s.markup("</tspan></text>")
            if i > 0 {
                s.markup("<rect class=\"bar-previous\" x=\"0\" y=\"")
                s.number(y + 23)
                s.markup("\" width=\"")
                s.number(w(stages[i - 1].count))
                s.markup("\" height=\"18\" rx=\"3\"/>")
            }
            s.markup("<rect class=\"bar\" x=\"0\" y=\"")
            s.number(y + 23)
            s.markup("\" width=\"")
            s.number(max(w(stage.count), stage.count > 0 ? 1.5 : 0))
            s.markup("\" height=\"18\" rx=\"3\"/>")
            if i > 0 {
                let drop = Funnel.DropOff(from: stages[i - 1], to: stage)
                if drop.lost > 0 {
                    let isLargest = largest.map { $0.from.stage == drop.from.stage } ?? false
                    s.markup(isLargest ? "<text class=\"drop drop-largest\" x=\"0\" y=\"" : "<text class=\"drop\" x=\"0\" y=\"")
                    s.number(y + 56)
                    s.markup("\">−")
                    s.plain(Format.count(drop.lost))
                    if let f = drop.lostFraction {
                        s.markup(" (−")
                        s.plain(Format.percent(f))
                        s.markup(")")
                    }
                    s.markup(" from ")
                    s.plain(drop.from.stage.label.lowercased())
                    if isLargest { s.markup(" · largest drop") }
                    s.markup("</text>")
                }
            }
            s.markup("</g>")
        }
        s.markup("</svg>")
        return s.bytes
    }
}

/// A number for SVG attributes: at most two decimals, no trailing zeros.
func n(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = Format.fixed(rounded, decimals: 2)
    while text.hasSuffix("0") { text.removeLast() }
    return text
}
