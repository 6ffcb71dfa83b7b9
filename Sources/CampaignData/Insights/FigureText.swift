/// Deterministic, locale-independent text for the numbers insights quote.
///
/// Percentages get 2 decimals under 1% and 1 decimal otherwise (exactly 0 and 100% get none), but never round a
/// non-zero value to 0 or a value under 100 to 100, and never print a value as
/// equal to the threshold it is being compared with when it is not.
public enum FigureText {
    /// `5,000`, `1,234,567`, `-12`.
    public static func count(_ value: Int) -> String {
        var magnitude = value.magnitude
        if magnitude < 1000 { return String(value) }
        // Digits right to left, a comma before every third.
        return String(unsafeUninitializedCapacity: 28) { buffer in
            var end = 28
            var digits = 0
            repeat {
                if digits > 0 && digits % 3 == 0 { end -= 1; buffer[end] = UInt8(ascii: ",") }
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                digits += 1
            } while magnitude > 0
            if value < 0 { end -= 1; buffer[end] = UInt8(ascii: "-") }
            let length = 28 - end
            for i in 0..<length { buffer[i] = buffer[end + i] }
            return length
        }
    }

    /// A fraction as a percentage: `0.0082` → `0.82%`, `0.214` → `21.4%`.
    /// `distinctFrom` is a fraction the value is compared with; more decimals are used while the two would print alike.
    public static func percent(_ fraction: Double, distinctFrom threshold: Double? = nil) -> String {
        // Exactly none and exactly all read best without decimals.
        if fraction == 0 { return "0%" }
        if fraction == 1 { return "100%" }
        return adaptive(fraction * 100, distinctFrom: threshold.map { $0 * 100 }) + "%"
    }

    /// A difference of two fractions in percentage points: `0.0045` → `0.45 points`.
    public static func points(_ fraction: Double) -> String {
        let value = adaptive(abs(fraction) * 100, distinctFrom: nil)
        return value + (value == "1.0" ? " point" : " points")
    }

    /// A value already in percent, as written in a config or a published table: `0.5` → `0.5%`, `1` → `1%`.
    public static func setting(percent value: Double) -> String {
        trimmed(value, maxDecimals: 4) + "%"
    }

    /// A plain number with at most `maxDecimals` decimals and no trailing zeros: `3` → `3`, `2.50` → `2.5`.
    public static func trimmed(_ value: Double, maxDecimals: Int = 4) -> String {
        var text = fixed(value, decimals: maxDecimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `value` rounded half away from zero to exactly `decimals` decimals.
    public static func fixed(_ value: Double, decimals: Int) -> String {
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
        // The fraction with its leading zeros: 5 at 3 decimals → "005".
        var fraction = units % divisor
        let digits = String(unsafeUninitializedCapacity: decimals) { buffer in
            for i in stride(from: decimals - 1, through: 0, by: -1) {
                buffer[i] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return decimals
        }
        return (value < 0 && units != 0 ? "-" : "") + whole + "." + digits
    }

    /// Percent-valued number with the precision rules above (no `%` sign).
    static func adaptive(_ percent: Double, distinctFrom threshold: Double?) -> String {
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

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String], conjunction: String = "and") -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items[items.count - 1]
        }
    }
}
