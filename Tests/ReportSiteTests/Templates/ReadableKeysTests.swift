import CampaignData
import Foundation
import Mustache
import Testing
@testable import ReportSite

@Suite("What a build's templates read")
struct ReadableKeysTests {
    /// A folder of override templates, by path under it.
    func overrides(_ files: [String: String]) throws -> String {
        let directory = try ShareFixtures.temporaryDirectory().path
        for (path, text) in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test("The built-in campaign page reads its fields and not those no template names")
    func builtIns() throws {
        let keys = try PageRenderer(store: TemplateStore(overrideDirectory: nil)).campaignPageKeys()
        for read in ["site", "title", "campaign", "status_label", "generated_at_iso", "cards", "largest_drop", "content"] {
            #expect(keys.contains(read), "\(read)")
        }
        for unread in ["counts", "rates", "partial", "audience_size_raw", "utm_source", "is_sent"] {
            #expect(!keys.contains(unread), "\(unread)")
        }
    }

    @Test("A field named only in a partial, in a dotted name or in a section of a custom template is read")
    func customTemplates() throws {
        let directory = try overrides([
            "campaign.md": "{{> extra}}{{#counts}}{{sent}}{{/counts}}",
            "partials/extra.md": "{{rates.open.percent}}{{<frame}}{{/frame}}",
            "partials/frame.md": "{{from_in_parent}}",
            "unused.md": "{{never_included}}",
        ])
        let keys = try PageRenderer(store: TemplateStore(overrideDirectory: directory)).campaignPageKeys()
        for read in ["counts", "sent", "rates", "open", "percent", "from_in_parent", "page", "site"] {
            #expect(keys.contains(read), "\(read)")
        }
        #expect(!keys.contains("never_included"))
        #expect(!keys.contains("cards"))
    }

    @Test("A dynamic partial means every template the store has counts, overrides and built-ins")
    func dynamicPartials() throws {
        let directory = try overrides([
            "campaign.md": "{{>*which}}",
            "deep/inner/any.html": "{{only_in_a_file}}",
            "notes.txt": "{{not_a_template}}",
        ])
        let keys = try PageRenderer(store: TemplateStore(overrideDirectory: directory)).campaignPageKeys()
        #expect(keys.contains("which"))
        #expect(keys.contains("only_in_a_file"))
        #expect(keys.contains("totals"))  // in the built-in index.md
        #expect(!keys.contains("not_a_template"))
    }

    @Test("A custom template that reads fields the built-ins do not gets them, and pages render as with every field")
    func pagesRenderTheSame() throws {
        let directory = try overrides([
            "campaign.md": "{{<default/campaign}}{{$methodology}}Sent {{counts.sent}} ({{rates.delivery.percent}}), slug {{campaign.slug}}{{/methodology}}{{/default/campaign}}",
        ])
        let renderer = try PageRenderer(store: TemplateStore(overrideDirectory: directory), strict: true)
        var site = ShareFixtures.site
        site.campaignPageKeys = renderer.campaignPageKeys()
        let builtIn = try PageRenderer(store: TemplateStore(overrideDirectory: nil), strict: true)
        var builtInSite = ShareFixtures.site
        builtInSite.campaignPageKeys = builtIn.campaignPageKeys()
        for report in try ShareFixtures.dataset().reports {
            let slug = Slugs.assign([report.campaign.id])[0]
            let full = PageContext.campaign(report, slug: slug, site: ShareFixtures.site, root: "../")
            let pruned = PageContext.campaign(report, slug: slug, site: site, root: "../")
            let page = try renderer.campaign(pruned)
            #expect(page == (try renderer.campaign(full)))
            #expect(page.contains("slug " + slug))
            #expect(try builtIn.campaign(PageContext.campaign(report, slug: slug, site: builtInSite, root: "../"))
                    == builtIn.campaign(full))
        }
        guard case .object(let fields) = PageContext.campaign(try ShareFixtures.dataset().reports[0], slug: "s", site: builtInSite, root: "../")
        else { Issue.record("not an object"); return }
        #expect(fields["counts"] == nil && fields["campaign"] != nil)
    }
}
