import CampaignData

/// Deterministic, locale-independent formatting of figures for readers.
public enum Format {
    /// 1234567 → "1,234,567" (the same text the insights quote).
    public static func count(_ value: Int) -> String { FigureText.count(value) }

    /// A fraction as a percentage: one decimal from 1% up, two below 1%, "—" when undefined.
    public static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return "—" }
        return percentValue(100 * fraction)
    }

    /// A value already in percent (0–100).
    public static func percentValue(_ value: Double) -> String {
        let decimals = abs(value) < 1 && value != 0 ? 2 : 1
        return FigureText.fixed(value, decimals: decimals, suffix: "%")
    }

    /// Rounds half away from zero to `decimals` places and prints without exponent.
    public static func fixed(_ value: Double, decimals: Int) -> String { FigureText.fixed(value, decimals: decimals) }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "1 Jun 2026, 09:00 UTC" (or "+02:00" for an offset), in the time's own offset.
    public static func dateTime(_ t: Timestamp) -> String {
        // Written piece by piece into one buffer rather than interpolated from small strings:
        // every page shows several of these.
        let c = t.civil
        var text = HTMLBuilder(capacity: 32)
        write(date: c, to: &text)
        text.markup(", ")
        write(two: c.hour, to: &text)
        text.markup(":")
        write(two: c.minute, to: &text)
        text.markup(" UTC")
        if t.utcOffsetSeconds != 0 {
            let a = abs(t.utcOffsetSeconds)
            text.markup(t.utcOffsetSeconds < 0 ? "−" : "+")
            write(two: a / 3600, to: &text)
            text.markup(":")
            write(two: a % 3600 / 60, to: &text)
        }
        return text.string
    }

    /// "1 Jun 2026".
    public static func date(_ t: Timestamp) -> String {
        var text = HTMLBuilder(capacity: 16)
        write(date: t.civil, to: &text)
        return text.string
    }

    /// `date`'s text for the civil date `c`.
    private static func write(date c: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int),
                              to text: inout HTMLBuilder) {
        text.integer(c.day)
        text.markup(" ")
        text.plain(months[c.month - 1])
        text.markup(" ")
        text.integer(c.year)
    }

    /// `two(v)`'s text.
    private static func write(two v: Int, to text: inout HTMLBuilder) {
        if v < 10 { text.markup("0") }
        text.integer(v)
    }

    /// "2026-06" style month key and "June 2026" label, for grouping.
    public static func monthKey(_ t: Timestamp) -> String {
        let c = t.civil
        return "\(c.year)-\(two(c.month))"
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

    /// A duration in readers' words: "45 s", "12 min", "3.5 h", "2.1 days".
    public static func duration(seconds: Double) -> String {
        if seconds < 90 { return "\(Int(seconds.rounded())) s" }
        if seconds < 90 * 60 { return "\(Int((seconds / 60).rounded())) min" }
        if seconds < 48 * 3600 { return fixed(seconds / 3600, decimals: 1) + " h" }
        return fixed(seconds / 86_400, decimals: 1) + " days"
    }
}

/// A page's counts and percentages as text, each distinct value formatted once: a campaign
/// page shows most of its figures in two or three places (the figures, the cards, the funnel,
/// the description), and finding one again among a few dozen costs far less than formatting it.
struct FigureTexts {
    private var counts: [(value: Int, text: String)] = []
    private var percents: [(bits: UInt64?, text: String)] = []

    init() {
        counts.reserveCapacity(32)
        percents.reserveCapacity(32)
    }

    /// `Format.count(value)`.
    mutating func count(_ value: Int) -> String {
        if let made = counts.first(where: { $0.value == value }) { return made.text }
        let text = Format.count(value)
        counts.append((value, text))
        return text
    }

    /// `Format.percent(fraction)`.
    mutating func percent(_ fraction: Double?) -> String {
        let bits = fraction?.bitPattern
        if let made = percents.first(where: { $0.bits == bits }) { return made.text }
        let text = Format.percent(fraction)
        percents.append((bits, text))
        return text
    }
}
