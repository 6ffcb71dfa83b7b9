import Testing
@testable import ReportSite

@Suite("slugs")
struct SlugTests {
    @Test("safe file names whatever the id holds", arguments: [
        ("2026-01-winter-sale", "2026-01-winter-sale"), ("Spring Sale 2026!", "spring-sale-2026"), ("../../etc/passwd", "etc-passwd"),
        ("..", "campaign"), ("", "campaign"), ("Ünïcode ✓", "n-code"), ("CON", "con-campaign"), ("index", "index-campaign"),
        ("a/b\\c", "a-b-c"), (String(repeating: "x", count: 200), String(repeating: "x", count: 64)),
    ])
    func base(id: String, slug: String) {
        #expect(Slugs.base(id) == slug)
    }

    @Test("slugs are unique and independent of input order")
    func unique() {
        let ids = ["Sale", "sale", "SALE!", "other"]
        let slugs = Slugs.assign(ids)
        #expect(Set(slugs).count == ids.count)
        #expect(slugs[3] == "other")
        #expect(slugs.allSatisfy { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
        let reversed = Slugs.assign(ids.reversed())
        #expect(Array(reversed.reversed()) == slugs)
    }

    @Test("the byte path for ASCII ids gives what the Unicode path gives")
    func asciiPathAgrees() {
        var ids = ["A-B", "--x--", "a__b", "Z9", "-", "1.2.3", "x y\tz", String(repeating: "ab-", count: 40), "CamelCase-ID_07",
                   String(repeating: "-a", count: 40), "~!@#$%^&*()", "\u{7F}del"]
        var state: UInt64 = 7
        for _ in 0..<500 {
            var id = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            for k in 0..<Int(state >> 58) {
                let byte = UInt8(truncatingIfNeeded: (state >> UInt64(k % 56)) & 0x7F)
                id.unicodeScalars.append(UnicodeScalar(byte))
            }
            ids.append(id)
        }
        for id in ids {
            #expect(Slugs.asciiBase(id) == Slugs.unicodeBase(id), "\(id.debugDescription)")
        }
        // A non-ASCII id takes the Unicode path: the Kelvin sign lower-cases to "k".
        #expect(Slugs.base("\u{212A}itchen") == "kitchen")
    }
}
