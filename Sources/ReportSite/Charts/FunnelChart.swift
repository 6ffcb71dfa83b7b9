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

    /// The texts of the funnel's figures, worked out once for the chart, its description and the
    /// page around them, which would otherwise each format every figure again.
    struct StageTexts {
        /// Each stage's count: "12,345".
        var counts: [String]
        /// Each stage's share of the audience, "45.6%"; nil when there is no audience.
        var percents: [String?]
        /// For each stage but the first (at its index minus one), the contacts lost coming from
        /// the stage before, and their share of it (nil when that stage is empty).
        var drops: [(lost: String, percent: String?)]
        /// The index of the stage the largest drop-off leads to, if any stage loses contacts.
        var largestDrop: Int?
    }

    /// The stages' texts, with counts and drop-off shares from `figures` (the page's).
    func stageTexts(_ figures: inout FigureTexts) -> StageTexts {
        let stages = funnel.stages
        var texts = StageTexts(counts: [], percents: [], drops: [])
        texts.counts.reserveCapacity(stages.count)
        texts.percents.reserveCapacity(stages.count)
        texts.drops.reserveCapacity(max(stages.count - 1, 0))
        for (i, stage) in stages.enumerated() {
            texts.counts.append(figures.count(stage.count))
            texts.percents.append(stage.percentOfAudience.map(Format.percentValue))
            guard i > 0 else { continue }
            let drop = Funnel.DropOff(from: stages[i - 1], to: stage)
            texts.drops.append((figures.count(drop.lost), drop.lostFraction.map { figures.percent($0) }))
        }
        if let largest = funnel.largestDropOff {
            texts.largestDrop = stages.firstIndex { $0.stage == largest.to.stage }
        }
        return texts
    }

    /// The long description read by screen readers.
    public var description: String {
        var figures = FigureTexts()
        return description(stageTexts(&figures))
    }

    /// The long description, with `texts` (this chart's).
    func description(_ texts: StageTexts) -> String {
        let stages = funnel.stages
        var text = HTMLBuilder(capacity: 512)
        text.plain("Funnel: ")
        for (i, stage) in stages.enumerated() {
            if i > 0 { text.plain(", ") }
            text.plain(stage.stage.label)
            text.plain(" ")
            text.plain(texts.counts[i])
            text.plain(" (")
            if let percent = texts.percents[i] {
                text.plain(percent)
                text.markup(" of audience")
            } else {
                text.markup("no audience")
            }
            text.plain(")")
        }
        text.plain(".")
        if let to = texts.largestDrop {
            let from = stages[to - 1].stage.label
            text.plain(" The largest drop is from ")
            text.plain(from)
            text.plain(" to ")
            text.plain(stages[to].stage.label)
            text.plain(": ")
            text.plain(texts.drops[to - 1].lost)
            text.plain(" contacts")
            if let percent = texts.drops[to - 1].percent {
                text.plain(" (")
                text.plain(percent)
                text.plain(" of ")
                // A stage's label lowercased is its raw value ("Delivered" → "delivered").
                text.plain(stages[to - 1].stage.rawValue)
                text.plain(")")
            }
            text.plain(".")
        }
        return text.string
    }

    public var svg: TrustedHTML {
        var figures = FigureTexts()
        let texts = stageTexts(&figures)
        return TrustedHTML(unchecked: String(decoding: svgBytes(description: description(texts), texts: texts), as: UTF8.self))
    }

    /// The chart as UTF-8 bytes, with `description` and `texts` (this chart's).
    func svgBytes(description: String, texts: StageTexts) -> [UInt8] {
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
            s.plain(texts.counts[i])
            s.markup(" <tspan class=\"stage-percent\">· ")
            s.plain(texts.percents[i] ?? "—")
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
                let from = stages[i - 1]
                if from.count > stage.count {
                    let isLargest = texts.largestDrop == i
                    s.markup(isLargest ? "<text class=\"drop drop-largest\" x=\"0\" y=\"" : "<text class=\"drop\" x=\"0\" y=\"")
                    s.number(y + 56)
                    s.markup("\">−")
                    s.plain(texts.drops[i - 1].lost)
                    if let percent = texts.drops[i - 1].percent {
                        s.markup(" (−")
                        s.plain(percent)
                        s.markup(")")
                    }
                    s.markup(" from ")
                    s.plain(from.stage.rawValue)  // the label, lowercased
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
