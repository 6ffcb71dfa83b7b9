import CampaignData

/// Builds markup as UTF-8 bytes: our own literal markup goes in as it is, data only through
/// `text(_:)`, which escapes it. What it builds is trusted (only this module makes one).
struct HTMLBuilder {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Our own markup, written in the source.
    mutating func markup(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Text Funnelmark made itself, known to be safe where it goes (counts, percentages, stage
    /// labels, attribute lists written in the source).
    mutating func plain(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: text.utf8)
        }
    }

    /// Any text, HTML-escaped (element content and attribute values alike).
    mutating func text(_ text: String) {
        var text = text
        text.withUTF8 { HTML.escape($0, into: &bytes) }
    }

    /// An integer in decimal.
    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// A number for SVG attributes: rounded to two decimals, without trailing zeros (`n(_:)`).
    mutating func number(_ value: Double) {
        let hundredths = (value * 100).rounded()
        guard hundredths.magnitude < 9e15 else {
            plain(n(value))
            return
        }
        let units = Int(hundredths)
        if units < 0 { bytes.append(UInt8(ascii: "-")) }
        integer(units.magnitude.quotientAndRemainder(dividingBy: 100).quotient.asInt)
        var fraction = Int(units.magnitude % 100)
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        fraction %= 10
        if fraction != 0 { bytes.append(UInt8(ascii: "0") + UInt8(fraction)) }
    }
}

private extension UInt {
    var asInt: Int { Int(self) }
}
