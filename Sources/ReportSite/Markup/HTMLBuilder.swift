import CampaignData
import Mustache

/// Builds markup as UTF-8 bytes: our own literal markup goes in as it is, data only through
/// `text(_:)`, which escapes it. What it builds is trusted (only this module makes one).
///
/// The bytes gather in the template engine's `ByteBuffer`: a chart is a few hundred short
/// pieces, and an `Array`'s generic append (a uniqueness check and a generic copy each time)
/// cost more than the copying.
struct HTMLBuilder: ~Copyable {
    private var buffer: ByteBuffer

    init(capacity: Int = 0) { buffer = ByteBuffer(capacity: capacity) }

    /// The bytes built.
    var bytes: [UInt8] { buffer.withBytes { Array($0) } }

    /// The bytes built, as a string (always valid UTF-8: only strings and ASCII go in).
    var string: String { buffer.withBytes { String(decoding: $0, as: UTF8.self) } }

    /// Our own markup, written in the source.
    mutating func markup(_ literal: StaticString) {
        buffer.append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Text Funnelmark made itself, known to be safe where it goes (counts, percentages, stage
    /// labels, attribute lists written in the source).
    mutating func plain(_ text: String) {
        buffer.append(text)
    }

    /// Any text, HTML-escaped (element content and attribute values alike).
    mutating func text(_ text: String) {
        var text = text
        text.withUTF8 { HTML.escape($0, into: &buffer) }
    }

    /// An integer in decimal.
    mutating func integer(_ value: Int) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
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
        if units < 0 { buffer.append(UInt8(ascii: "-")) }
        integer(units.magnitude.quotientAndRemainder(dividingBy: 100).quotient.asInt)
        var fraction = Int(units.magnitude % 100)
        guard fraction != 0 else { return }
        buffer.append(UInt8(ascii: "."))
        buffer.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        fraction %= 10
        if fraction != 0 { buffer.append(UInt8(ascii: "0") + UInt8(fraction)) }
    }
}

private extension UInt {
    var asInt: Int { Int(self) }
}
