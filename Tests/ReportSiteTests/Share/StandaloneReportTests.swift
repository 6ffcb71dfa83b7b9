import CampaignData
import Testing
@testable import ReportSite

@Suite("one-file report: self-contained, no request when opened")
struct StandaloneReportTests {
    static func render(_ id: String) throws -> String {
        let (report, slug) = try ShareFixtures.example(id)
        return try StandaloneReport.render(report, slug: slug, site: ShareFixtures.site,
                                           renderer: PageRenderer(store: ShareFixtures.store))
    }

    /// Every place a browser could fetch from, with what it points at.
    static func externalResources(_ html: String) -> [String] {
        var found: [String] = []
        let tags = HTMLScanner.tags(in: html)
        for tag in tags where !tag.isEndTag {
            // Anything loaded rather than followed.
            for (name, value) in tag.attributes {
                let loads = ["src", "srcset", "poster", "data", "background", "xlink:href"].contains(name)
                    || (name == "href" && ["link", "use", "image"].contains(tag.name))
                if loads, !value.lowercased().hasPrefix("data:") { found.append("<\(tag.name) \(name)=\"\(value)\">") }
            }
            if tag.name == "script" { found.append("<script>") }
            if tag.name == "iframe" || tag.name == "object" || tag.name == "embed" { found.append("<\(tag.name)>") }
            // CSS: a <style> block or a style attribute may import or load.
            for css in [tag.rawText ?? "", tag.attribute("style") ?? ""] {
                found += cssLoads(css)
            }
        }
        return found
    }

    /// `@import` and every `url(…)` not pointing at a data: URI.
    static func cssLoads(_ css: String) -> [String] {
        var found: [String] = []
        let lower = css.lowercased()
        if lower.contains("@import") { found.append("@import") }
        var rest = lower[...]
        while let r = rest.range(of: "url(") {
            let after = rest[r.upperBound...].drop { $0 == " " || $0 == "\"" || $0 == "'" }
            if !after.hasPrefix("data:") { found.append("url(" + after.prefix(40)) }
            rest = rest[r.upperBound...]
        }
        return found
    }

    @Test("no external resource: no <link href>, <script>, <img src> or CSS url() that is not data:",
          arguments: ShareFixtures.exampleIDs)
    func selfContained(id: String) throws {
        let html = try Self.render(id)
        #expect(Self.externalResources(html) == [], "\(id)")
        let tags = HTMLScanner.tags(in: html)
        // The stylesheet is inlined, the favicon is a data URI.
        let style = try #require(tags.starts("style").first?.rawText)
        #expect(style.contains(".card") && style.contains("@media print"))
        #expect(tags.starts("link").allSatisfy { $0.attribute("href")?.hasPrefix("data:") == true })
        #expect(tags.starts("link").contains { $0.attribute("rel") == "icon" })
    }

    @Test("no link into a site that is not there: every <a href> is #fragment, http(s) or mailto",
          arguments: ShareFixtures.exampleIDs)
    func noSiteLinks(id: String) throws {
        let html = try Self.render(id)
        let tags = HTMLScanner.tags(in: html)
        for a in tags.starts("a") {
            let href = try #require(a.attribute("href"), "an <a> without href survived: \(a)")
            switch HTMLScanner.classify(href) {
            case .fragment: break
            case let .external(scheme): #expect(["http", "https", "mailto"].contains(scheme), "\(href)")
            case .relative, .rootRelative: Issue.record("site link \(href) in the one-file report of \(id)")
            }
        }
        #expect(!tags.contains { $0.name == "nav" }, "the site navigation is removed")
        #expect(html.contains("<span class=\"brand\">"), "the brand stays, without its link")
        let fragments = tags.starts("a").compactMap { $0.attribute("href") }.filter { $0.hasPrefix("#") }
        let ids = Set(tags.compactMap { $0.attribute("id") })
        for f in fragments { #expect(ids.contains(String(f.dropFirst())), "\(f) points at no id") }
    }

    @Test("it is the site's page: same title, chart inline as SVG, same insights")
    func samePage() throws {
        let (report, slug) = try ShareFixtures.example("2026-01-winter-sale")
        let renderer = try PageRenderer(store: ShareFixtures.store)
        let site = try renderer.campaign(PageContext.campaign(report, slug: slug, site: ShareFixtures.site, root: "../"))
        let one = try Self.render("2026-01-winter-sale")
        let main = { (html: String) -> Substring? in
            guard let a = html.range(of: "<main"), let b = html.range(of: "</main>") else { return nil }
            return html[a.lowerBound..<b.upperBound]
        }
        #expect(main(one) != nil)
        #expect(main(one) == main(site), "the page body is the site's, byte for byte")
        #expect(one.contains("<svg class=\"chart funnel-chart\""))
        #expect(one.contains("<title>Winter Sale: up to 40% off · Campaign report</title>"))
    }

    @Test("hostile data stays text in the one-file report")
    func hostile() throws {
        let report = try ShareFixtures.hostile()
        let html = try StandaloneReport.render(report, slug: "evil-1", site: ShareFixtures.site, renderer: PageRenderer(store: ShareFixtures.store))
        #expect(Self.externalResources(html) == [])
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("href=\"javascript:"))
    }

    // MARK: - Pieces

    @Test("detach: site nav removed, other site links unwrapped, fragments and external links kept")
    func detach() {
        let html = ##"<a class="skip" href="#main">Skip</a><header><a class="brand" href="../index.html" rel="home">B<span>x</span></a>"##
            + ##"<nav aria-label="Site"><a href="../index.html">All campaigns</a></nav></header>"##
            + ##"<p><a href="other.html" title="t &amp; u">Other</a> and <a href="https://example.com/?a=1&amp;b=2">ext</a></p>"##
            + ##"<nav><a href="#x">In page</a></nav>"##
        let out = SiteLinks.detach(html)
        #expect(out == ##"<a class="skip" href="#main">Skip</a><header><span class="brand">B<span>x</span></span></header>"##
            + ##"<p><span title="t &amp; u">Other</span> and <a href="https://example.com/?a=1&amp;b=2">ext</a></p>"##
            + ##"<nav><a href="#x">In page</a></nav>"##)
    }

    @Test("base64 (RFC 4648 test vectors)", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64(text: String, encoded: String) {
        #expect(DataURI.base64(Array(text.utf8)) == encoded)
    }

    @Test("inlined CSS cannot close its <style> element")
    func styleSafe() {
        #expect(StandaloneReport.styleElementSafe("a{content:\"</style><script>\"}") == "a{content:\"<\\/style><script>\"}")
        #expect(StandaloneReport.styleElementSafe("a < b") == "a < b")
    }
}
