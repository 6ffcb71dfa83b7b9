import Foundation
import Testing
@testable import Mustache

@Suite("Byte buffers and word tests")
struct ByteBufferTests {
    @Test("Appends and inserts keep every byte, across many growths")
    func appendsAndInserts() {
        var buffer = ByteBuffer(capacity: 1)
        var reference: [UInt8] = []
        for n in 0..<2_000 {
            let piece = (0..<(n % 37)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) }
            piece.withUnsafeBufferPointer { buffer.append($0) }
            reference += piece
            buffer.append(UInt8(n % 251))
            reference.append(UInt8(n % 251))
            if n % 97 == 0 {
                let at = reference.count / 2
                buffer.insert([1, 2, 3], at: at)
                reference.insert(contentsOf: [1, 2, 3], at: at)
            }
        }
        buffer.insert([], at: 0)
        buffer.append("é€")
        reference += Array("é€".utf8)
        #expect(buffer.count == reference.count)
        #expect(buffer.withBytes { Array($0) } == reference)
    }

    @Test("The eight-bytes-at-once tests agree with a byte-by-byte check")
    func wordTests() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x25, 0x26, 0x27, 0x28, 0x3B, 0x3C,
                                    0x3D, 0x3E, 0x3F, 0x40, 0x7F, 0x80, 0xA6, 0xBC, 0xE2, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in
                Bool.random(using: &generator) ? interesting.randomElement(using: &generator)!
                    : UInt8.random(in: 0...255, using: &generator)
            }
            let word = bytes.withUnsafeBufferPointer { RenderOptions.word($0, at: 0) }
            let special = bytes.contains { "&<>\"'".utf8.contains($0) }
            #expect(RenderOptions.wordHasHTMLSpecial(word) == special, "\(bytes)")
            #expect((RenderOptions.hasByteBelow(word, 0x20) != 0) == bytes.contains { $0 < 0x20 }, "\(bytes)")
            for probe in [UInt8(0x00), 0x26, 0x3C, 0x80, 0xFF] {
                #expect((RenderOptions.hasByte(word, probe) != 0) == bytes.contains(probe), "\(bytes) \(probe)")
            }
        }
    }

    @Test("HTML escaping is the same whether a special byte is in a skipped word, at its edge or in the tail")
    func escapingAtEveryPosition() {
        for length in 0..<20 {
            for position in 0..<max(length, 1) {
                for special in "&<>\"'".utf8 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { bytes[position] = special }
                    let text = String(decoding: bytes, as: UTF8.self)
                    var output = ByteBuffer()
                    bytes.withUnsafeBufferPointer { RenderOptions.escapeHTML($0, into: &output) }
                    let expected = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                        .replacingOccurrences(of: "'", with: "&#39;")
                    #expect(output.withBytes { String(decoding: $0, as: UTF8.self) } == expected)
                }
            }
        }
    }
}
