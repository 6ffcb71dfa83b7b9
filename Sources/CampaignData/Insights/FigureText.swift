/// Deterministic, locale-independent text for the numbers insights quote.
///
/// Percentages get 2 decimals under 1% and 1 decimal otherwise (exactly 0 and 100% get none), but never round a
/// non-zero value to 0 or a value under 100 to 100, and never print a value as
/// equal to the threshold it is being compared with when it is not.
///
/// Every figure is worked out in integers and written byte by byte (`FigureText.write…` into a
/// `TextBytes`), so insight text needs no intermediate strings; the `String`-returning functions
/// wrap those writers.
public enum FigureText {
    /// `5,000`, `1,234,567`, `-12`.
    public static func count(_ value: Int) -> String {
        if value >= 0 && value < 1000 { return String(value) }
        return TextBytes.onStack(capacity: 28) { text in
            writeCount(value, to: &text)
            return text.string
        }
    }

    /// A fraction as a percentage: `0.0082` → `0.82%`, `0.214` → `21.4%`.
    /// `distinctFrom` is a fraction the value is compared with; more decimals are used while the two would print alike.
    public static func percent(_ fraction: Double, distinctFrom threshold: Double? = nil) -> String {
        TextBytes.onStack(capacity: 24) { text in
            writePercent(fraction, distinctFrom: threshold, to: &text)
            return text.string
        }
    }

    /// A difference of two fractions in percentage points: `0.0045` → `0.45 points`.
    public static func points(_ fraction: Double) -> String {
        TextBytes.onStack(capacity: 24) { text in
            writePoints(fraction, to: &text)
            return text.string
        }
    }

    /// A value already in percent, as written in a config or a published table: `0.5` → `0.5%`, `1` → `1%`.
    public static func setting(percent value: Double) -> String {
        trimmed(value, maxDecimals: 4) + "%"
    }

    /// A plain number with at most `maxDecimals` decimals and no trailing zeros: `3` → `3`, `2.50` → `2.5`.
    public static func trimmed(_ value: Double, maxDecimals: Int = 4) -> String {
        var text = TextBytes(capacity: 24)
        guard writeFixed(value, decimals: maxDecimals, to: &text) else {
            // Not finite, or too large for whole units: `fixed`'s own forms, trimmed the same way.
            var fallback = fixed(value, decimals: maxDecimals)
            if fallback.utf8.contains(UInt8(ascii: ".")) {
                while fallback.hasSuffix("0") { fallback.removeLast() }
                if fallback.hasSuffix(".") { fallback.removeLast() }
            }
            return fallback == "-0" ? "0" : fallback
        }
        if maxDecimals > 0 {
            while text.last == UInt8(ascii: "0") { text.removeLast() }
            if text.last == UInt8(ascii: ".") { text.removeLast() }
        }
        // `writeFixed` never writes "-0": a value that rounds to zero loses its sign.
        return text.string
    }

    /// `value` rounded half away from zero to exactly `decimals` decimals.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        let written: String? = TextBytes.onStack(capacity: 32) { text in
            writeFixed(value, decimals: decimals, to: &text) ? text.string : nil
        }
        if let written { return written }
        guard value.isFinite else { return value.isNaN ? "n/a" : (value < 0 ? "-∞" : "∞") }
        // Too large to count in whole units of the last decimal: Swift's shortest form.
        return String(value)
    }

    /// `fixed(value, decimals:)` then `suffix` (`"%"`), made as one string rather than two joined.
    public static func fixed(_ value: Double, decimals: Int, suffix: StaticString) -> String {
        TextBytes.onStack(capacity: 32) { text in
            guard writeFixed(value, decimals: decimals, to: &text) else { return fixed(value, decimals: decimals) + suffix.description }
            text.append(suffix)
            return text.string
        }
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String], conjunction: String = "and") -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }

    // MARK: - Writers

    /// Writes `count(value)`.
    static func writeCount(_ value: Int, to text: inout TextBytes) {
        writeDigits(value.magnitude, negative: value < 0, grouped: true, to: &text)
    }

    /// Writes `percent(fraction, distinctFrom:)`.
    static func writePercent(_ fraction: Double, distinctFrom threshold: Double?, to text: inout TextBytes) {
        // Exactly none and exactly all read best without decimals.
        if fraction == 0 { text.append("0%" as StaticString); return }
        if fraction == 1 { text.append("100%" as StaticString); return }
        let percent = fraction * 100
        if let shown = adaptiveUnits(percent, distinctFrom: threshold.map { $0 * 100 }) {
            writeUnits(shown.units, decimals: shown.decimals, negative: shown.negative, then: UInt8(ascii: "%"), to: &text)
        } else {
            text.append(adaptiveReference(percent, distinctFrom: threshold.map { $0 * 100 }))
            text.append(byte: UInt8(ascii: "%"))
        }
    }

    /// Writes `points(fraction)`.
    static func writePoints(_ fraction: Double, to text: inout TextBytes) {
        let value = abs(fraction) * 100
        if let shown = adaptiveUnits(value, distinctFrom: nil) {
            writeUnits(shown.units, decimals: shown.decimals, negative: shown.negative, to: &text)
            // "1.0 point": exactly one unit at one decimal.
            let one = shown.units == 10 && shown.decimals == 1 && !shown.negative
            text.append(one ? " point" : " points")
        } else {
            let digits = adaptiveReference(value, distinctFrom: nil)
            text.append(digits)
            text.append(digits == "1.0" ? " point" : " points")
        }
    }

    /// Writes `fixed(value, decimals:)` when the value can be counted in whole units of its last decimal
    /// (finite, below 9 × 10^15 units, 0–15 decimals); returns false, writing nothing, otherwise.
    @discardableResult
    static func writeFixed(_ value: Double, decimals: Int, to text: inout TextBytes) -> Bool {
        guard value.isFinite, decimals >= 0, decimals <= 15 else { return false }
        // Rounded, the value is below 9 × 10^15 exactly when it is unrounded: from 2^52 up, doubles are whole.
        let scaled = abs(value) * power(decimals)
        guard scaled < 9e15 else { return false }
        let units = roundedHalfAway(scaled)
        writeUnits(units, decimals: decimals, negative: value < 0 && units != 0, to: &text)
        return true
    }

    /// Writes the percent-valued number of `percent` without its `%` sign, with the precision rules above.
    static func writeAdaptive(_ percent: Double, distinctFrom threshold: Double?, to text: inout TextBytes) {
        if let shown = adaptiveUnits(percent, distinctFrom: threshold) {
            writeUnits(shown.units, decimals: shown.decimals, negative: shown.negative, to: &text)
        } else {
            text.append(adaptiveReference(percent, distinctFrom: threshold))
        }
    }

    /// `Int(value.rounded(.toNearestOrAwayFromZero))` for 0 ≤ value < 9 × 10^15, without a call into
    /// the C library: the whole part and the fraction of such a double are both exact.
    @inline(__always)
    static func roundedHalfAway(_ value: Double) -> Int {
        let whole = Int(value)
        return value - Double(whole) >= 0.5 ? whole + 1 : whole
    }

    /// `10^decimals` (0–15) as a double, exactly (every such power is below 2^53).
    @inline(__always)
    static func power(_ decimals: Int) -> Double {
        Double(integerPower(decimals))
    }

    /// `10^decimals` (0–15) as an integer, from a table.
    @inline(__always)
    static func integerPower(_ decimals: Int) -> Int {
        switch decimals {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        default: preconditionFailure("10^\(decimals) is outside 0–15")
        }
    }

    /// The decimals `adaptive` settles on, with the value in whole units of the last decimal
    /// (`0.8219` → 82 units at 2 decimals), decided in integers: a text shows zero exactly when its
    /// units are 0, reaches 100 exactly when its units reach 100 × 10^decimals, and two values
    /// print alike exactly when their units and shown signs agree.
    /// Nil for values this cannot count exactly (not finite, or 10^9 or more in size), which take
    /// `adaptiveReference`.
    static func adaptiveUnits(_ percent: Double, distinctFrom threshold: Double?) -> (units: Int, decimals: Int, negative: Bool)? {
        guard percent.isFinite, abs(percent) < 1e9 else { return nil }
        if let threshold, !(threshold.isFinite && abs(threshold) < 1e9) { return nil }
        let magnitude = abs(percent)
        // Only a threshold that differs from the value can be hidden by rounding.
        let other = threshold.flatMap { InsightTolerance.same(percent, $0) ? nil : $0 }
        var decimals = magnitude < 1 ? 2 : 1
        while true {
            let scale = power(decimals)
            let units = roundedHalfAway(magnitude * scale)
            let negative = percent < 0 && units != 0
            if decimals == 6 { return (units, decimals, negative) }
            let losesNonZero = percent != 0 && units == 0
            let reachesHundred = magnitude < 100 && units >= 100 * integerPower(decimals)
            var hidesDifference = false
            if let other {
                let otherUnits = roundedHalfAway(abs(other) * scale)
                hidesDifference = otherUnits == units && (other < 0 && otherUnits != 0) == negative
            }
            if !(losesNonZero || reachesHundred || hidesDifference) { return (units, decimals, negative) }
            decimals += 1
        }
    }

    /// The precision rules worked out on the printed text itself: how `adaptive` was first written,
    /// kept for the values `adaptiveUnits` does not take.
    static func adaptiveReference(_ percent: Double, distinctFrom threshold: Double?) -> String {
        var decimals = abs(percent) < 1 ? 2 : 1
        while decimals < 6 {
            let text = fixed(percent, decimals: decimals)
            let shown = Double(text) ?? percent
            let losesNonZero = percent != 0 && shown == 0
            let reachesHundred = abs(percent) < 100 && abs(shown) >= 100
            let hidesDifference = threshold.map { !InsightTolerance.same(percent, $0) && fixed($0, decimals: decimals) == text } ?? false
            if !(losesNonZero || reachesHundred || hidesDifference) { return text }
            decimals += 1
        }
        return fixed(percent, decimals: decimals)
    }

    /// `units` (0 or more) as a decimal number with `decimals` decimals: 5 units at 3 decimals → `0.005`;
    /// then the byte `then`, if any (a `%` sign).
    static func writeUnits(_ units: Int, decimals: Int, negative: Bool, then suffix: UInt8? = nil, to text: inout TextBytes) {
        // Right to left into a scratch buffer, appended as one piece: at most 19 digits, the point,
        // 15 zeros of a fraction, the sign and the suffix.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { scratch in
            var start = 40
            if let suffix {
                start -= 1
                scratch[start] = suffix
            }
            var value = UInt(units)
            if decimals > 0 {
                // The fraction with its leading zeros: 5 at 3 decimals → "005".
                for _ in 0..<decimals {
                    start -= 1
                    scratch[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
                start -= 1
                scratch[start] = UInt8(ascii: ".")
            }
            repeat {
                start -= 1
                scratch[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            } while value > 0
            if negative {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
            text.append(UnsafeBufferPointer(rebasing: scratch[start...]))
        }
    }

    /// The decimal digits of `magnitude`, after a `-` when negative, with a comma before every third when grouped.
    static func writeDigits(_ magnitude: UInt, negative: Bool, grouped: Bool, to text: inout TextBytes) {
        // Right to left into a scratch buffer (a UInt64 has at most 20 digits, 26 bytes with sign and commas).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { scratch in
            var start = 32
            var value = magnitude
            var inGroup = 0
            repeat {
                if grouped && inGroup == 3 {
                    start -= 1
                    scratch[start] = UInt8(ascii: ",")
                    inGroup = 0
                }
                start -= 1
                scratch[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                value /= 10
                inGroup += 1
            } while value > 0
            if negative {
                start -= 1
                scratch[start] = UInt8(ascii: "-")
            }
            text.append(UnsafeBufferPointer(rebasing: scratch[start...]))
        }
    }
}
