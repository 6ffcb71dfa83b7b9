import Foundation
import Testing
@testable import CampaignData

@Suite("figure text: counts and fixed decimals against a plain reference")
struct FigureTextReferenceTests {
    /// Thousands separators the obvious way.
    static func reference(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return (value < 0 ? "-" : "") + out
    }

    @Test("count: every magnitude, both signs, the extremes")
    func counts() {
        var values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10_000, 999_999, 1_000_000, 1_234_567, Int.max, Int.min, Int.min + 1]
        var x = 7
        for _ in 0..<2000 { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; values.append(x >> Int(UInt(bitPattern: x) % 60)) }
        for v in values + values.map({ $0 == Int.min ? 0 : -$0 }) {
            #expect(FigureText.count(v) == Self.reference(v), "\(v)")
        }
        #expect(FigureText.count(1_234_567) == "1,234,567")
        #expect(FigureText.count(-1000) == "-1,000")
    }

    @Test("fixed: zero-padded fractions, rounding half away from zero, signs")
    func fixed() {
        #expect(FigureText.fixed(0.05, decimals: 1) == "0.1")
        #expect(FigureText.fixed(1.005, decimals: 3) == "1.005")
        #expect(FigureText.fixed(2.5, decimals: 0) == "3")
        #expect(FigureText.fixed(-2.5, decimals: 0) == "-3")
        #expect(FigureText.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(FigureText.fixed(-1.25, decimals: 1) == "-1.3")
        #expect(FigureText.fixed(12.3456, decimals: 4) == "12.3456")
        #expect(FigureText.fixed(3.000_02, decimals: 4) == "3.0000")
        #expect(FigureText.fixed(0.07, decimals: 6) == "0.070000")
        for i in 0..<1000 {
            let v = Double(i) / 8 - 60
            let expected = (v < 0 && (abs(v) * 100).rounded(.toNearestOrAwayFromZero) != 0 ? "-" : "")
                + String(Int((abs(v) * 100).rounded(.toNearestOrAwayFromZero)) / 100) + "."
                + String(format: "%02d", Int((abs(v) * 100).rounded(.toNearestOrAwayFromZero)) % 100)
            #expect(FigureText.fixed(v, decimals: 2) == expected, "\(v)")
        }
    }
}

@Suite("source digests: what the file says of each campaign")
struct SourceDigestTests {
    static func load(_ text: String) throws -> [Campaign] {
        try CampaignLoader.parse(bytes: Array(text.utf8), file: "campaigns.json")
    }

    @Test("a campaign's digest follows its own object's text, not its neighbours'")
    func digests() throws {
        let a = #"{"id": "a", "status": "draft", "name": "A"}"#, b = #"{"id": "b", "status": "draft"}"#
        let first = try Self.load("[\(a), \(b)]")
        let renamed = try Self.load("[\(a.replacingOccurrences(of: "\"A\"", with: "\"A2\"")), \(b)]")
        let reordered = try Self.load("[\(b),\n  \(a)]")
        #expect(first.allSatisfy { $0.sourceDigest != nil })
        #expect(first[0].sourceDigest != renamed[0].sourceDigest)
        #expect(first[1].sourceDigest == renamed[1].sourceDigest)
        #expect(first[0].sourceDigest == reordered[1].sourceDigest)
        #expect(first[0].sourceDigest == digest(a))
    }

    @Test("the first bad campaign in file order is the one reported, however the work is split")
    func firstError() throws {
        let good = #"{"id": "ok", "status": "draft"}"#
        var items = Array(repeating: good, count: 300).enumerated().map { $1.replacingOccurrences(of: "\"ok\"", with: "\"ok\($0)\"") }
        items[120] = #"{"id": "bad1", "status": "later"}"#
        items[250] = #"{"id": "bad2", "status": "never"}"#
        do {
            _ = try Self.load("[\n" + items.joined(separator: ",\n") + "\n]")
            Issue.record("expected an error")
        } catch let error as InputError {
            #expect("\(error)".contains("\"later\""), "\(error)")
            #expect("\(error)".contains("campaigns.json:122:"), "\(error)")
        }
    }
}

/// The digest of a campaign object's text, as the loaders compute it.
private func digest(_ text: String) -> UInt64 {
    Array(text.utf8).withUnsafeBufferPointer { sourceDigest($0) }
}
