/// What is usual for one rate in an account: the median and spread of its previous campaigns.
///
/// Robust statistics, so one past outlier does not move the baseline: the centre is the
/// median, the spread the median absolute deviation (MAD) scaled by 1.4826 (which makes it
/// comparable with a standard deviation for normally distributed data). A value is unusual
/// when it is more than `deviations` scales from the median. When the history is very
/// regular (MAD 0 or tiny), the scale is floored at a share of the median and at an absolute
/// number of percentage points, so a small wobble is never "unusual".
public struct HistoryBaseline: Sendable, Equatable {
    /// Multiplier from MAD to a standard-deviation-like scale.
    public static let madScale = 1.4826

    /// The previous values, oldest first.
    public var values: [Double]
    public var median: Double
    /// Median absolute deviation from the median.
    public var medianAbsoluteDeviation: Double
    /// `max(1.4826 × MAD, relativeFloor × |median|, absoluteFloor)`.
    public var scale: Double
    /// Which term set the scale.
    public var scaleSource: ScaleSource

    public enum ScaleSource: String, Sendable, Equatable {
        case deviation, relativeFloor, absoluteFloor
    }

    /// The baseline of `values` (oldest first); nil when there are fewer than `minimumCount`.
    /// `relativeFloor` is a fraction of the median; `absoluteFloor` is in the values' unit.
    public init?(values: [Double], minimumCount: Int, relativeFloor: Double, absoluteFloor: Double) {
        self.init(values: values[...], minimumCount: minimumCount, relativeFloor: relativeFloor, absoluteFloor: absoluteFloor)
    }

    /// The same from a slice of a longer series (the history window of one campaign).
    init?(values: ArraySlice<Double>, minimumCount: Int, relativeFloor: Double, absoluteFloor: Double) {
        let finite = values.allSatisfy(\.isFinite) ? Array(values) : values.filter(\.isFinite)
        guard !finite.isEmpty, finite.count >= max(1, minimumCount) else { return nil }
        self.values = finite
        // One scratch copy on the stack: sorted for the median, then turned in place into the sorted deviations.
        let (median, mad) = withUnsafeTemporaryAllocation(of: Double.self, capacity: finite.count) { scratch in
            _ = scratch.initialize(fromContentsOf: finite)
            HistoryBaseline.sortAscending(scratch)
            let median = HistoryBaseline.middle(ofSorted: UnsafeBufferPointer(scratch))
            for i in scratch.indices { scratch[i] = abs(scratch[i] - median) }
            HistoryBaseline.sortAscending(scratch)
            return (median, HistoryBaseline.middle(ofSorted: UnsafeBufferPointer(scratch)))
        }
        self.median = median
        medianAbsoluteDeviation = mad
        // The largest of the three terms; the first of equals wins.
        scale = HistoryBaseline.madScale * mad
        scaleSource = .deviation
        if relativeFloor * abs(median) > scale {
            scale = relativeFloor * abs(median)
            scaleSource = .relativeFloor
        }
        if absoluteFloor > scale {
            scale = absoluteFloor
            scaleSource = .absoluteFloor
        }
    }

    /// How many scales `value` is from the median (signed; positive above).
    public func score(_ value: Double) -> Double {
        scale > 0 ? (value - median) / scale : (value == median ? 0 : (value > median ? .infinity : -.infinity))
    }

    /// Whether `value` lies more than `deviations` scales from the median (exactly at the edge is usual).
    public func isUnusual(_ value: Double, deviations: Double) -> Bool {
        let distance = abs(value - median)
        let limit = deviations * scale
        return distance > limit && !InsightTolerance.same(distance, limit)
    }

    /// The usual range: median ± deviations × scale (the lower end not below 0).
    public func usualRange(deviations: Double) -> ClosedRange<Double> {
        max(0, median - deviations * scale)...(median + deviations * scale)
    }

    /// The median of a non-empty list (the mean of the middle two for even counts).
    public static func median(_ values: [Double]) -> Double {
        middle(ofSorted: values.sorted())
    }

    /// Sorts finite values ascending: by insertion for the usual short windows.
    static func sortAscending(_ values: UnsafeMutableBufferPointer<Double>) {
        var values = values
        guard values.count <= 32 else { values.sort(); return }
        for i in values.indices.dropFirst() {
            let value = values[i]
            var j = i
            while j > 0 && values[j - 1] > value {
                values[j] = values[j - 1]
                j -= 1
            }
            values[j] = value
        }
    }

    /// The median of values already sorted; NaN for none.
    static func middle<C: RandomAccessCollection<Double>>(ofSorted sorted: C) -> Double where C.Index == Int {
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.startIndex + sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
