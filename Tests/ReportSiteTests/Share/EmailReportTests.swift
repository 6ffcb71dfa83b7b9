import CampaignData
import Mustache
import Testing
@testable import ReportSite

@Suite("email body: small, inline-styled, no SVG or script")
struct EmailReportTests {
    static func render(_ id: String) throws -> String {
        let (report, slug) = try ShareFixtures.example(id)
        return try EmailReport.render(report, slug: slug, site: ShareFixtures.site, store: ShareFixtures.store)
    }

    static func hostile() throws -> String {
        try EmailReport.render(ShareFixtures.hostile(), slug: "evil-1", site: ShareFixtures.site, store: ShareFixtures.store)
    }

    /// The rules an email body keeps, as a list of violations (empty when it keeps them all).
    static func violations(_ html: String) -> [String] {
        var found: [String] = []
        if html.utf8.count >= EmailReport.clipLimit { found.append("\(html.utf8.count) bytes; Gmail clips at \(EmailReport.clipLimit)") }
        let tags = HTMLScanner.tags(in: html)
        for name in ["svg", "script", "img", "link", "iframe", "object", "form", "input", "video", "audio"] where !tags.starts(name).isEmpty {
            found.append("has <\(name)>")
        }
        for tag in tags where !tag.isEndTag {
            // Layout never depends on a class: whatever carries a class carries its own inline style.
            if tag.attribute("class") != nil, tag.attribute("style") == nil { found.append("<\(tag.name) class=…> without style") }
            if tag.name == "table" {
                for attribute in ["role", "width", "cellpadding", "cellspacing", "border", "style"] where tag.attribute(attribute) == nil {
                    found.append("<table> without \(attribute)")
                }
                if tag.attribute("role") != "presentation" { found.append("<table> is not role=presentation") }
            }
            if tag.name == "td", tag.attribute("style") == nil { found.append("<td> without inline style") }
            if tag.name == "a" {
                let href = tag.attribute("href") ?? ""
                if case let .external(scheme) = HTMLScanner.classify(href), ["http", "https", "mailto"].contains(scheme) {} else {
                    found.append("link to \(href)")
                }
            }
        }
        // The only <style> is an enhancement: nothing outside @media rules.
        let styles = tags.starts("style")
        if styles.count > 1 { found.append("\(styles.count) <style> blocks") }
        if let css = styles.first?.rawText, !outsideMediaRules(css).allSatisfy({ $0.isWhitespace }) {
            found.append("<style> has rules outside @media: \(outsideMediaRules(css).prefix(60))")
        }
        return found
    }

    /// The CSS with every `@media … { … }` block removed.
    static func outsideMediaRules(_ css: String) -> String {
        var out = ""
        var depth = 0
        var inMedia = false
        var pending = ""
        for ch in css {
            if depth == 0, !inMedia {
                pending.append(ch)
                if pending.hasSuffix("@media") { out += pending.dropLast(6); pending = ""; inMedia = true }
                continue
            }
            if ch == "{" { depth += 1 }
            if ch == "}" { depth -= 1; if depth == 0 { inMedia = false } }
        }
        return out + pending
    }

    @Test("every Examples campaign: under 102 KB, no SVG/script/img, inline styles, http(s)/mailto links only",
          arguments: ShareFixtures.exampleIDs)
    func rules(id: String) throws {
        let html = try Self.render(id)
        #expect(Self.violations(html) == [], "\(id)")
    }

    @Test("many links and insights, hostile text: still small, still escaped")
    func hostile() throws {
        let html = try Self.hostile()
        #expect(Self.violations(html) == [])
        let report = try ShareFixtures.hostile()
        #expect(report.metrics.links.count == 300)
        #expect(report.insights.count >= 8, "the fixture should trigger many insights")
        #expect(html.contains("and 295 more links in the full report"))
        // Five links, none of them the javascript: one.
        #expect(HTMLScanner.tags(in: html).starts("a").filter { $0.attribute("href")?.hasPrefix("https://shop.example/") == true }.count == 4)
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.contains("javascript:alert(1)"), "shown as text")
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; *Sale* &amp; &lt;img src=x onerror=alert(1)&gt; {{mustache}}"))
    }

    @Test("declares light and dark support and carries a preview text")
    func darkMode() throws {
        let html = try Self.render("2026-01-winter-sale")
        #expect(html.contains(#"<meta name="color-scheme" content="light dark">"#))
        #expect(html.contains(#"<meta name="supported-color-schemes" content="light dark">"#))
        #expect(html.contains("@media (prefers-color-scheme: dark)"))
        #expect(html.contains("Sent: 47,892 emails, 98.8% delivered, 42.0% opened, 5.1% clicked."))
    }

    @Test("shows header, cards, funnel, top links, insights, methodology and generated-at")
    func content() throws {
        let html = try Self.render("2026-01-winter-sale")
        for text in ["Winter Sale: up to 40% off", "Winter Sale starts now", "All subscribers · 48,210 contacts", "8 Jan 2026, 09:00 UTC−05:00",
                     ">Sent<", ">Delivered<", ">47,311<", ">98.8%<", "= delivered ÷ sent", ">Click-to-open<",
                     ">Funnel<", ">Top links<", "northwind.example/sale", ">Insights<", ">Recommendations<",
                     "Delivery rate = delivered ÷ sent; Open rate = unique opens ÷ delivered", "Generated by Funnelmark test on 28 May 2026, 20:26 UTC"] {
            #expect(html.contains(text), "missing \(text)")
        }
        // Seven cards: four rows of two cells (the last padded).
        #expect(html.components(separatedBy: "class=\"fm-surface fm-top-").count - 1 == 7)
    }

    @Test("campaigns without figures: no cards, no funnel, a note instead", arguments: ["2026-07-back-to-school", "2026-06-loyalty-update"])
    func withoutFigures(id: String) throws {
        let html = try Self.render(id)
        #expect(!html.contains(">Performance<"))
        #expect(!html.contains(">Funnel<"))
        #expect(html.contains("<strong>Draft.</strong>") || html.contains("<strong>Scheduled.</strong>"))
    }

    // MARK: - Pieces

    @Test("bars: whole percents summing to 100, a sliver for anything above zero, no empty cell",
          arguments: [(0, 100, 0), (1, 100_000, 1), (50, 100, 50), (2_413, 48_210, 5), (999, 1000, 100), (100, 100, 100), (5, 0, 0), (0, 0, 0), (7, 5, 100)])
    func bar(count: Int, total: Int, fill: Int) {
        let bar = EmailReport.bar(count, of: total)
        #expect(bar["fill"] == .int(fill))
        #expect(bar["rest"] == .int(100 - fill))
        #expect(bar["has_fill"] == .bool(fill > 0))
        #expect(bar["has_rest"] == .bool(fill < 100))
    }

    @Test("the <style> check sees rules outside @media")
    func outsideMedia() {
        let inside = Self.outsideMediaRules("@media (x) { .a { b: c } }\n")
        #expect(inside.allSatisfy { $0.isWhitespace })
        #expect(Self.outsideMediaRules(".a { b: c } @media (x) { .d { e: f } }") == ".a { b: c } ")
    }
}
