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
        let parts = funnel.stages.map { "\($0.stage.label) \(Format.count($0.count)) (\(percent($0)))" }
        var text = "Funnel: " + parts.joined(separator: ", ") + "."
        if let drop = funnel.largestDropOff {
            text += " The largest drop is from \(drop.from.stage.label) to \(drop.to.stage.label): \(Format.count(drop.lost)) contacts"
            if let f = drop.lostFraction { text += " (\(Format.percent(f)) of \(drop.from.stage.label.lowercased()))" }
            text += "."
        }
        return text
    }

    func percent(_ stage: FunnelStage) -> String {
        stage.percentOfAudience.map { Format.percentValue($0) + " of audience" } ?? "no audience"
    }

    public var svg: TrustedHTML {
        let stages = funnel.stages
        let height = Double(stages.count) * Self.rowHeight
        let top = Double(max(funnel.audience, stages.map(\.count).max() ?? 0))
        func w(_ count: Int) -> Double { top == 0 ? 0 : Self.barWidth * Double(count) / top }
        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        var s = "<svg class=\"chart funnel-chart\" viewBox=\"0 0 \(n(Self.width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(titleID) \(descID)\" preserveAspectRatio=\"xMinYMin meet\">"
        s += "<title id=\"\(titleID)\">Campaign funnel</title>"
        s += "<desc id=\"\(descID)\">\(HTML.escape(description))</desc>"
        let largest = funnel.largestDropOff
        for (i, stage) in stages.enumerated() {
            let y = Double(i) * Self.rowHeight
            let pct = stage.percentOfAudience.map { Format.percentValue($0) } ?? "—"
            s += "<g class=\"stage stage-\(stage.stage.rawValue)\">"
            s += "<text class=\"stage-label\" x=\"0\" y=\"\(n(y + 16))\">\(stage.stage.label)</text>"
            s += "<text class=\"stage-value\" x=\"\(n(Self.width))\" y=\"\(n(y + 16))\" text-anchor=\"end\">\(Format.count(stage.count)) <tspan class=\"stage-percent\">· \(pct)</tspan></text>"
            if i > 0 {
                s += "<rect class=\"bar-previous\" x=\"0\" y=\"\(n(y + 23))\" width=\"\(n(w(stages[i - 1].count)))\" height=\"18\" rx=\"3\"/>"
            }
            s += "<rect class=\"bar\" x=\"0\" y=\"\(n(y + 23))\" width=\"\(n(max(w(stage.count), stage.count > 0 ? 1.5 : 0)))\" height=\"18\" rx=\"3\"/>"
            if i > 0 {
                let drop = Funnel.DropOff(from: stages[i - 1], to: stage)
                if drop.lost > 0 {
                    let isLargest = largest.map { $0.from.stage == drop.from.stage } ?? false
                    var note = "−\(Format.count(drop.lost))"
                    if let f = drop.lostFraction { note += " (−\(Format.percent(f)))" }
                    note += " from \(drop.from.stage.label.lowercased())"
                    if isLargest { note += " · largest drop" }
                    s += "<text class=\"drop\(isLargest ? " drop-largest" : "")\" x=\"0\" y=\"\(n(y + 56))\">\(note)</text>"
                }
            }
            s += "</g>"
        }
        s += "</svg>"
        return TrustedHTML(unchecked: s)
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
