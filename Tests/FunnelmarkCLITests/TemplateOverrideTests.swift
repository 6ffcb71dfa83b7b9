import Foundation
import Testing
@testable import FunnelmarkCLI

@Suite("templates from the command line: overrides, inheritance, errors, hostile data")
struct TemplateOverrideTests {
    static let examples = packageRoot.appendingPathComponent("Examples").path

    func page(_ out: URL, _ slug: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent("campaigns/\(slug).html"), encoding: .utf8)
    }

    @Test("one block of the built-in page and layout overridden through inheritance; the rest kept")
    func inheritance() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = dir.appendingPathComponent("t")
        try write("""
        {{<default/campaign}}
        {{$funnel}}
        ## How far people got

        {{> funnel}}

        Custom caption for {{campaign.name}}.
        {{/funnel}}
        {{/default/campaign}}
        """, to: templates.appendingPathComponent("campaign.md"))
        try write("""
        {{<default/layout}}
        {{$brand}}<a class="brand" href="{{site.index}}">Acme Agency</a>{{/brand}}
        {{/default/layout}}
        """, to: templates.appendingPathComponent("layout.html"))
        let out = dir.appendingPathComponent("site")
        let result = run(["build", "--data", Self.examples, "--out", out.path, "--templates", templates.path, "--quiet"])
        #expect(result.code == 0, "\(result.stderr)")
        let html = try page(out, "2026-01-winter-sale")
        #expect(html.contains("<h2>How far people got</h2>"))
        #expect(html.contains("<p>Custom caption for Winter Sale: up to 40% off.</p>"))
        #expect(!html.contains("<h2>Performance funnel</h2>"))
        #expect(html.contains(">Acme Agency</a>"))
        // Blocks not overridden are still there.
        #expect(html.contains("<h2>Performance</h2>"))
        #expect(html.contains("<h2 id=\"methodology\">Methodology</h2>"))
        #expect(html.contains("<svg class=\"chart funnel-chart\""))
    }

    @Test("a partial overrides its built-in file by file")
    func partialOverride() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = dir.appendingPathComponent("t")
        try write("<p class=\"mine\">Methodology by the agency.</p>\n", to: templates.appendingPathComponent("partials/methodology.md"))
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples, "--out", out.path, "--templates", templates.path, "--quiet"]).code == 0)
        let html = try page(out, "2026-02-product-launch")
        #expect(html.contains("<p class=\"mine\">Methodology by the agency.</p>"))
        #expect(!html.contains("id=\"methodology\""))
    }

    @Test("template errors: file, line, column, the source line and a caret; exit 65", arguments: [
        ("campaign.md", "# Title\n\n{{#has_figures}}\nnever closed\n", "campaign.md:3:1: ", "{{#has_figures}}\n^"),
        ("campaign.md", "{{#a}}\n{{/b}}\n", "campaign.md:2:1: ", "{{/b}}\n^"),
        ("campaign.md", "ok\n  {{> no-such-partial}}\n", "campaign.md:2:3: ", "  {{> no-such-partial}}\n  ^"),
        ("campaign.md", "{{= <% =}}\n", "campaign.md:1:1: ", "{{= <% =}}\n^"),
    ])
    func templateErrors(file: String, source: String, location: String, caret: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = dir.appendingPathComponent("t")
        try write(source, to: templates.appendingPathComponent(file))
        let result = run(["build", "--data", Self.examples, "--out", dir.appendingPathComponent("site").path, "--templates", templates.path])
        #expect(result.code == 65)
        #expect(result.stderr.hasPrefix("funnelmark: error: \(templates.path)/\(location)"), "\(result.stderr)")
        #expect(result.stderr.contains(caret), "\(result.stderr)")
    }

    static let hostile = "*Sale* <script>alert(1)</script> _x_ [a](javascript:alert(1)) `t` | # ' \" &amp; {{x}}\n# heading"

    @Test("hostile values in every field render as literal text; only http(s)/mailto links live")
    func hostileData() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = Self.hostile
        func j(_ s: String) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed]), as: UTF8.self).dropFirst().dropLast().description
        }
        let campaign = """
        {"campaigns": [{"id": \(j("../../" + h)), "name": \(j(h)), "subject": \(j(h)), "preheader": \(j(h)),
          "from_name": \(j(h)), "from_email": \(j(h)), "status": "sent", "tags": [\(j(h))],
          "audience": {"name": \(j(h)), "size": 100}, "sent_at": "2026-01-01T00:00:00Z",
          "utm": {"source": \(j(h)), "medium": \(j(h)), "campaign": \(j(h)), "term": \(j(h)), "content": \(j(h))},
          "counts": {"sent": 100, "delivered": 90, "bounced": 10, "unique_opens": 30, "unique_clicks": 10, "unsubscribed": 1},
          "links": [{"url": "javascript:alert(1)", "clicks": 5, "unique_clicks": 4},
                    {"url": "data:text/html,<script>alert(1)</script>", "clicks": 3, "unique_clicks": 3},
                    {"url": "https://x.example/?q=\\"><script>", "clicks": 2, "unique_clicks": 2}]}]}
        """
        let data = dir.appendingPathComponent("data")
        try write(campaign, to: data.appendingPathComponent("campaigns.json"))
        let out = dir.appendingPathComponent("site")
        let result = run(["build", "--data", data.path, "--out", out.path, "--quiet"])
        #expect(result.code == 0, "\(result.stderr)")
        let files = try snapshot(out)
        let pages = files.filter { $0.key.hasSuffix(".html") }
        #expect(pages.count == 2)
        #expect(files.keys.allSatisfy { !$0.contains("..") })
        for (path, data) in pages {
            let html = String(decoding: data, as: UTF8.self)
            #expect(!html.contains("<script"), "\(path)")
            #expect(!html.contains("<em>Sale</em>") && !html.contains("<em>x</em>"), "\(path)")
            #expect(!html.contains("href=\"javascript:") && !html.contains("href=\"data:"), "\(path)")
            #expect(!html.contains("<h1>heading") && !html.contains("<code>t</code>"), "\(path)")
            // Escaped as a named or a numeric reference, depending on where the value landed.
            #expect(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"), "\(path)")
        }
        let campaignPage = try #require(pages.first { $0.key.hasPrefix("campaigns/") }).value
        let html = String(decoding: campaignPage, as: UTF8.self)
        // The literal name shows in the heading, escaped once.
        #expect(html.contains("*Sale* &lt;script&gt;alert(1)&lt;/script&gt; _x_ [a](javascript:alert(1)) `t` |"))
        #expect(html.contains("<a href=\"https://x.example/?q=&quot;&gt;&lt;script&gt;\""))
    }
}
