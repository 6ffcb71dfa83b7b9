import Testing
@testable import ReportSite

@Suite("template lookup")
struct TemplateLookupTests {
    @Test("the whole ordered candidate list", arguments: [
        ("campaign", "my", [
            TemplateCandidate.file("my/partials/campaign.md"), .file("my/partials/campaign.html"), .file("my/campaign.md"), .file("my/campaign.html"),
            .builtIn("partials/campaign.md"), .builtIn("partials/campaign.html"), .builtIn("campaign.md"), .builtIn("campaign.html"),
        ]),
        ("campaign", nil, [
            .builtIn("partials/campaign.md"), .builtIn("partials/campaign.html"), .builtIn("campaign.md"), .builtIn("campaign.html"),
        ]),
        ("default/campaign", "my", [
            .builtIn("partials/campaign.md"), .builtIn("partials/campaign.html"), .builtIn("campaign.md"), .builtIn("campaign.html"),
        ]),
        ("metric-cards", "t/", [
            .file("t/partials/metric-cards.md"), .file("t/partials/metric-cards.html"), .file("t/metric-cards.md"), .file("t/metric-cards.html"),
            .builtIn("partials/metric-cards.md"), .builtIn("partials/metric-cards.html"), .builtIn("metric-cards.md"), .builtIn("metric-cards.html"),
        ]),
        ("../secret", "my", []),
        ("/etc/passwd", "my", []),
        ("a/../../b", "my", []),
        ("", "my", []),
        ("bad name", "my", []),
    ] as [(String, String?, [TemplateCandidate])])
    func candidates(name: String, overrides: String?, expected: [TemplateCandidate]) {
        #expect(TemplateLookup.candidates(for: name, overrideDirectory: overrides) == expected)
    }

    @Test("every built-in page and partial is embedded")
    func builtIns() {
        for name in ["layout.html", "campaign.md", "index.md", "partials/metric-cards.md", "partials/funnel.md", "partials/insights.md", "partials/links.md"] {
            #expect(TemplateStore.builtInSource(name) != nil, "\(name)")
        }
        #expect(TemplateStore.asset("style.css")?.contains("prefers-color-scheme: dark") == true)
    }
}
