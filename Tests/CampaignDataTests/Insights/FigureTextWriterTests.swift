import Foundation
import Testing
@testable import CampaignData

/// The figure writers decide roundings in integers and write bytes; these tests hold them to the
/// text-based formatting they replace (kept here as the reference), over many values.
@Suite("figure text writers against the text-based reference")
struct FigureTextWriterTests {
    // MARK: - Reference: the formatting as first written, on strings

    static func referenceFixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value < 0 ? "-∞" : "∞") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let units = Int(scaled)
        var divisor = 1
        for _ in 0..<decimals { divisor *= 10 }
        let whole = String(units / divisor)
        guard decimals > 0 else { return value < 0 && units != 0 ? "-" + whole : whole }
        var fraction = String(units % divisor)
        while fraction.count < decimals { fraction = "0" + fraction }
        return (value < 0 && units != 0 ? "-" : "") + whole + "." + fraction
    }

    static func referenceAdaptive(_ percent: Double, distinctFrom threshold: Double?) -> String {
        var decimals = abs(percent) < 1 ? 2 : 1
        while decimals < 6 {
            let text = referenceFixed(percent, decimals: decimals)
            let shown = Double(text) ?? percent
            let losesNonZero = percent != 0 && shown == 0
            let reachesHundred = abs(percent) < 100 && abs(shown) >= 100
            let hidesDifference = threshold.map { !InsightTolerance.same(percent, $0) && referenceFixed($0, decimals: decimals) == text } ?? false
            if !(losesNonZero || reachesHundred || hidesDifference) { return text }
            decimals += 1
        }
        return referenceFixed(percent, decimals: decimals)
    }

    static func referencePercent(_ fraction: Double, distinctFrom threshold: Double? = nil) -> String {
        if fraction == 0 { return "0%" }
        if fraction == 1 { return "100%" }
        return referenceAdaptive(fraction * 100, distinctFrom: threshold.map { $0 * 100 }) + "%"
    }

    static func referencePoints(_ fraction: Double) -> String {
        let value = referenceAdaptive(abs(fraction) * 100, distinctFrom: nil)
        return value + (value == "1.0" ? " point" : " points")
    }

    static func referenceTrimmed(_ value: Double, maxDecimals: Int = 4) -> String {
        var text = referenceFixed(value, decimals: maxDecimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    // MARK: - Values

    /// Rates as the data gives them (count ÷ count), values at every rounding edge, and extremes.
    static let fractions: [Double] = {
        var values: [Double] = [0, 1, -0.0, 0.5, 0.005, 0.00005, 0.000049999, 0.0000499999999, 0.9995, 0.99995, 0.999995, 0.9999995,
                                0.09995, 0.0995, 0.00995, 0.01, 0.0099999, 0.010000001, 0.001, 0.003, 0.02, 0.05, 0.95, 0.1, 0.3,
                                0.6, 1e-12, 1e-7, 5e-324, -0.005, -0.5, -1, -0.9995, -1e-9, 1.5, 2, 12.345, 99.95, 1e6, 1e7, 9.9e6,
                                .nan, .infinity, -.infinity, Double.greatestFiniteMagnitude, 1e300]
        for d in [1, 2, 3, 7, 10, 100, 999, 1000, 1001, 2000, 10_000, 12_345, 100_000, 999_999, 1_000_000, 123_456_789] {
            for n in [0, 1, 2, 3, 5, 10, 49, 50, 51, 99, 100, 499, 500, 501, 999, 1000] where n <= d {
                values.append(Double(n) / Double(d))
                values.append(Double(d - n) / Double(d))
            }
        }
        // Halfway points at each precision, and their neighbours.
        for decimals in 2...6 {
            var scale = 1.0
            for _ in 0..<decimals { scale *= 10 }
            for units in [1, 5, 9, 10, 49, 50, 95, 99, 100, 995, 999, 9995, 9999] {
                let percent = (Double(units) + 0.5) / scale
                values += [percent / 100, percent.nextUp / 100, percent.nextDown / 100]
            }
        }
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<3000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Double(x >> 11) / Double(1 << 53) / Double(1 << (x % 24)))
        }
        return values
    }()

    /// Thresholds as configs give them, in percent, and as fractions.
    static let thresholds: [Double?] = [nil, 0, 0.1, 0.3, 0.5, 1, 2, 5, 10, 30, 60, 95, 99.95, 100, 0.005, 0.05, 12.5, -1, .nan, .infinity, 1e10]
        .map { $0.map { $0 / 100 } }

    // MARK: - Tests

    @Test("percent, with and without a threshold, equals the reference")
    func percent() {
        for fraction in Self.fractions {
            for threshold in Self.thresholds {
                let expected = Self.referencePercent(fraction, distinctFrom: threshold)
                #expect(FigureText.percent(fraction, distinctFrom: threshold) == expected, "\(fraction) vs \(String(describing: threshold))")
            }
        }
    }

    @Test("a value next to a threshold that rounds alike gets more decimals, exactly as the reference")
    func nearThresholds() {
        for percent in [0.1, 0.3, 0.5, 1, 2, 5, 10, 30, 60, 95, 99.9] {
            let threshold = percent / 100
            for fraction in [threshold, threshold.nextUp, threshold.nextDown, threshold * (1 + 1e-10), threshold * (1 + 1e-8),
                             threshold * (1 - 1e-8), threshold + 1e-6, threshold - 1e-6, threshold + 4e-5, threshold - 4e-5,
                             threshold + 5e-5, threshold * 1.001, threshold * 0.999] {
                #expect(FigureText.percent(fraction, distinctFrom: threshold) == Self.referencePercent(fraction, distinctFrom: threshold),
                        "\(fraction) vs \(threshold)")
            }
        }
        #expect(FigureText.percent(0.005004, distinctFrom: 0.005) == "0.5004%")
        #expect(FigureText.percent(0.00501, distinctFrom: 0.005) == "0.501%")
        #expect(FigureText.percent(0.9995, distinctFrom: 0.95) == "99.95%")
        #expect(FigureText.percent(0.99999) == "99.999%")
    }

    @Test("points equal the reference, including exactly one point")
    func points() {
        for fraction in Self.fractions {
            #expect(FigureText.points(fraction) == Self.referencePoints(fraction), "\(fraction)")
        }
        #expect(FigureText.points(0.01) == "1.0 point")
        #expect(FigureText.points(-0.01) == "1.0 point")
        #expect(FigureText.points(0.0101) == "1.0 point")  // shown as 1.0, so worded as one
        #expect(FigureText.points(0.0105) == "1.1 points")
        #expect(FigureText.points(0.001) == "0.10 points")
    }

    @Test("fixed and trimmed equal the reference at every precision")
    func fixedAndTrimmed() {
        let values = Self.fractions.flatMap { [$0, $0 * 100, $0 * 1e6, -$0 * 7] } + [1e15, 9e14, 8.999_999_999_999_99e14, 123_456.789]
        for value in values {
            for decimals in 0...8 {
                #expect(FigureText.fixed(value, decimals: decimals) == Self.referenceFixed(value, decimals: decimals), "\(value) @\(decimals)")
            }
            #expect(FigureText.trimmed(value) == Self.referenceTrimmed(value), "\(value)")
            #expect(FigureText.trimmed(value, maxDecimals: 0) == Self.referenceTrimmed(value, maxDecimals: 0), "\(value)")
            #expect(FigureText.setting(percent: value) == Self.referenceTrimmed(value) + "%", "\(value)")
        }
        #expect(FigureText.trimmed(-0.00001) == "0")
        #expect(FigureText.trimmed(2.5) == "2.5")
        #expect(FigureText.trimmed(1e20) == Self.referenceTrimmed(1e20))
    }

    @Test("the rounding decision in integers agrees with parsing the printed text")
    func adaptiveUnits() {
        for fraction in Self.fractions where fraction.isFinite {
            let percent = fraction * 100
            for threshold in Self.thresholds {
                let text = Self.referenceAdaptive(percent, distinctFrom: threshold.map { $0 * 100 })
                var written = TextBytes(capacity: 8)
                FigureText.writeAdaptive(percent, distinctFrom: threshold.map { $0 * 100 }, to: &written)
                #expect(written.string == text, "\(percent)")
            }
        }
    }

    @Test("rounding half away from zero in integers equals the library's rounding")
    func rounding() {
        var values: [Double] = [0, 0.5, 1.5, 2.5, 0.49999999999999994, 0.5000000000000001, 1, 4503599627370495.5, 4503599627370496,
                                8_999_999_999_999_999, 9e15.nextDown, 1e15 + 0.5, 123_456.5, 99.99999999999999]
        for value in Self.fractions where value.isFinite && value >= 0 {
            for scale in [1.0, 100, 1e4, 1e6, 1e8] where value * scale < 9e15 { values += [value * scale, (value * scale).nextUp] }
        }
        for value in values where value < 9e15 {
            #expect(FigureText.roundedHalfAway(value) == Int(value.rounded(.toNearestOrAwayFromZero)), "\(value)")
        }
    }

    @Test("counts through the writer: separators, signs, the extremes")
    func counts() {
        for value in [0, 7, -7, 999, -999, 1000, -1000, 999_999, 1_000_000, 12_345_678, Int.max, Int.min, Int.min + 1] {
            var text = TextBytes(capacity: 0)
            FigureText.writeCount(value, to: &text)
            #expect(text.string == FigureTextReferenceTests.reference(value), "\(value)")
            #expect(FigureText.count(value) == FigureTextReferenceTests.reference(value), "\(value)")
        }
    }
}

@Suite("insight text: one buffer, value semantics")
struct InsightTextTests {
    @Test("interpolated figures are written as FigureText writes them")
    func interpolation() {
        let rate = 41.0 / 5000
        let text: InsightText = "\(percent: rate, distinctFrom: 0.005) of \(count: 5000) (\(count: 41)); \(points: 0.0045), \(7), \(percents: [0.21, 0.224])"
        #expect(text.string == "0.82% of 5,000 (41); 0.45 points, 7, 21.0%, 22.4%")
        let plain: InsightText = "No problems stand out."
        #expect(plain.string == "No problems stand out.")
        #expect(InsightText("").isEmpty)
    }

    @Test("appending to a copy leaves the original as it was")
    func copies() {
        var a: InsightText = "first \(count: 1)"
        let b = a
        a += " and more"
        a.append(" then \u{201C}quoted\u{201D} ")
        a.append(count: 12_345)
        a.append(percent: 0.5)
        #expect(b.string == "first 1")
        #expect(a.string == "first 1 and more then \u{201C}quoted\u{201D} 12,34550.0%")

        var bytes = TextBytes(capacity: 4)
        bytes.append("abc")
        let copy = bytes
        bytes.append(String(repeating: "x", count: 100))
        bytes.removeLast()
        #expect(copy.string == "abc")
        #expect(bytes.string == "abc" + String(repeating: "x", count: 99))
        var empty = TextBytes(capacity: 0)
        let untouched = TextBytes(capacity: 0)
        empty.append(byte: 65)
        #expect(empty.string == "A" && untouched.string.isEmpty)
    }

    @Test("pieces of every length are copied whole, at every offset")
    func pieceLengths() {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for start in 0..<9 {
            var text = TextBytes(capacity: start == 0 ? 0 : 3)
            var expected: [UInt8] = Array(repeating: UInt8(ascii: "-"), count: start)
            text.append(Array(repeating: UInt8(ascii: "-"), count: start))
            for length in 0...40 {
                let piece = Array(alphabet[(length % 7)...].prefix(length))
                text.append(piece)
                expected += piece
            }
            #expect(text.string == String(decoding: expected, as: UTF8.self), "\(start)")
        }
    }

    @Test("long and non-ASCII texts come out whole")
    func longText() {
        var text = InsightText(capacity: 0)
        var expected = ""
        for i in 0..<500 {
            let piece = i % 3 == 0 ? "÷ “\(i)” → " : "line \(i), "
            text.append(piece)
            expected += piece
        }
        #expect(text.string == expected)
        #expect(TextBytes.isASCII(UnsafeBufferPointer(start: nil, count: 0)))
    }
}

@Suite("timestamp text against Timestamp.rfc3339")
struct TimestampTextTests {
    @Test("every field width, offset and era matches rfc3339 and its date")
    func matches() {
        var epochs: [Double] = [0, -1, 1, 86_399, 86_400, -86_401, 951_782_400, 1_780_000_000, 1_780_000_000.75, 253_402_300_799,
                                253_402_300_800, -62_167_219_200, -62_167_219_201, -62_135_596_800, 4_102_444_800]
        var x: UInt64 = 12_345
        for _ in 0..<2000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            epochs.append(Double(Int64(bitPattern: x) % 80_000_000_000))
        }
        let offsets = [0, 3600, -3600, 19_800, -34_200, 50_400, -43_200, 59, -59, 86_399, 359_999, 360_000, -360_000]
        for epoch in epochs {
            for offset in offsets {
                let t = Timestamp(epochSeconds: epoch, utcOffsetSeconds: offset)
                #expect(TimestampText.rfc3339(t) == t.rfc3339, "\(epoch) \(offset)")
                #expect(TimestampText.date(t) == String(t.rfc3339.prefix(10)), "\(epoch) \(offset)")
            }
        }
    }

    @Test("a text begun on the stack moves to the heap as it grows, keeping what it had")
    func stackText() {
        let short = TextBytes.onStack(capacity: 8) { text in
            text.append("12,345" as StaticString)
            return text.string
        }
        #expect(short == "12,345")
        let grown = TextBytes.onStack(capacity: 4) { text in
            text.append("abc" as StaticString)
            text.append(" – a sentence well beyond four bytes")
            text.append(byte: UInt8(ascii: "."))
            return text.string
        }
        #expect(grown == "abc – a sentence well beyond four bytes.")
        #expect(FigureText.count(-9_223_372_036_854_775_807) == "-9,223,372,036,854,775,807")
        #expect(FigureText.fixed(8.999e14, decimals: 1, suffix: "%") == "899900000000000.0%")
    }
}
