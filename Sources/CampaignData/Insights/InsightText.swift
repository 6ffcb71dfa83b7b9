/// Insight wording with its figures, written straight into one byte buffer:
/// `"\(percent: rate) of delivered recipients (\(count: n) of \(count: d))"`.
///
/// Rules write their titles, details and evidence as these literals; the figures are formatted
/// by `FigureText`'s writers in place, so a sentence costs one buffer and one final string.
struct InsightText: ExpressibleByStringInterpolation {
    /// A text that is one string already (a plain literal, a cached line).
    private var whole: String?
    private var text: TextBytes

    /// Literals are `StaticString`s: their bytes are read straight from the binary.
    init(stringLiteral value: StaticString) {
        whole = value.description
        text = TextBytes(capacity: 0)
    }

    init(_ string: String) {
        whole = string
        text = TextBytes(capacity: 0)
    }

    /// An empty text to append to, with room for `capacity` bytes.
    init(capacity: Int) {
        whole = nil
        text = TextBytes(capacity: capacity)
    }

    init(stringInterpolation: StringInterpolation) {
        whole = nil
        text = stringInterpolation.text
    }

    var string: String { whole ?? text.string }

    var isEmpty: Bool { whole.map(\.isEmpty) ?? text.isEmpty }

    /// Appends another text (a following sentence, a conditional clause).
    static func += (lhs: inout InsightText, rhs: InsightText) {
        lhs.makeWritable(extra: rhs.byteCount)
        if let other = rhs.whole { lhs.text.append(other) } else { lhs.text.append(rhs.text) }
    }

    /// Appends a string.
    mutating func append(_ string: String) {
        makeWritable(extra: string.utf8.count)
        text.append(string)
    }

    /// Appends `FigureText.count(value)`.
    mutating func append(count value: Int) {
        makeWritable(extra: 16)
        FigureText.writeCount(value, to: &text)
    }

    /// Appends `FigureText.percent(fraction)`.
    mutating func append(percent fraction: Double) {
        makeWritable(extra: 16)
        FigureText.writePercent(fraction, distinctFrom: nil, to: &text)
    }

    /// Turns a text held as one string into bytes that can be appended to.
    private mutating func makeWritable(extra: Int) {
        guard let whole else { return }
        text = TextBytes(capacity: whole.utf8.count + extra + 64)
        text.append(whole)
        self.whole = nil
    }

    private var byteCount: Int { whole?.utf8.count ?? text.count }

    /// `title` with its first character lowercased, to quote it inside a sentence.
    static func lowercasingFirst(_ title: String) -> String {
        if let first = title.utf8.first, first < 0x80 {
            // ASCII: lowercasing the first character is lowercasing its first byte.
            guard first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") else { return title }
            var bytes = Array(title.utf8)
            bytes[0] |= 0x20
            return String(decoding: bytes, as: UTF8.self)
        }
        return title.prefix(1).lowercased() + title.dropFirst()
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate(set) var text: TextBytes

        init(literalCapacity: Int, interpolationCount: Int) {
            // Interpolated phrases are often long (origins, advice): room for them up front.
            text = TextBytes(capacity: literalCapacity + 32 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: StaticString) { text.append(literal) }

        mutating func appendInterpolation(_ string: String) { text.append(string) }

        mutating func appendInterpolation(_ string: Substring) { text.append(string) }

        mutating func appendInterpolation(_ other: InsightText) {
            if let whole = other.whole { text.append(whole) } else { text.append(other.text) }
        }

        /// `InsightText.lowercasingFirst(title)`, written in place when the title starts with ASCII.
        mutating func appendInterpolation(lowercasingFirst title: String) {
            let written: Bool? = title.utf8.withContiguousStorageIfAvailable { bytes in
                guard let first = bytes.first, first < 0x80 else { return false }
                // ASCII: lowercasing the first character is lowercasing its first byte.
                let lowered = first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") ? first | 0x20 : first
                text.append(byte: lowered)
                text.append(UnsafeBufferPointer(rebasing: bytes.dropFirst()))
                return true
            }
            if written != true { text.append(InsightText.lowercasingFirst(title)) }
        }

        /// A plain integer, as `String(value)` writes it: `1234`.
        mutating func appendInterpolation(_ value: Int) {
            FigureText.writeDigits(value.magnitude, negative: value < 0, grouped: false, to: &text)
        }

        /// `FigureText.count`: `5,000`.
        mutating func appendInterpolation(count value: Int) { FigureText.writeCount(value, to: &text) }

        /// `FigureText.percent`: `0.82%`.
        mutating func appendInterpolation(percent fraction: Double, distinctFrom threshold: Double? = nil) {
            FigureText.writePercent(fraction, distinctFrom: threshold, to: &text)
        }

        /// `FigureText.points`: `0.45 points`.
        mutating func appendInterpolation(points fraction: Double) { FigureText.writePoints(fraction, to: &text) }

        /// ` on 2026-06-01`: the date of `timestamp` as `Timestamp.rfc3339` writes it; nothing when unknown.
        mutating func appendInterpolation(onDate timestamp: Timestamp?) {
            guard let timestamp else { return }
            text.append(" on ")
            if !TimestampText.write(timestamp, time: false, to: &text) { text.append(TimestampText.date(timestamp)) }
        }

        /// Percentages joined by `, `: `21.0%, 22.4%, 19.8%`.
        mutating func appendInterpolation(percents fractions: [Double]) {
            for (i, fraction) in fractions.enumerated() {
                if i > 0 { text.append(", ") }
                FigureText.writePercent(fraction, distinctFrom: nil, to: &text)
            }
        }
    }
}
