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
}
