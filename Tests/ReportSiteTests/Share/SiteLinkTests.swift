import CampaignData
import Foundation
import Testing
@testable import ReportSite

/// The built Examples site works from any folder: every internal link and
/// asset resolves on disk, none is absolute, and assets are content-hashed.
@Suite("site that works anywhere: relative links, hashed assets, exports")
struct SiteLinkTests {
    /// Builds the Examples site into a fresh folder; the caller removes `parent`.
    static func build() throws -> (parent: URL, site: URL) {
        let parent = try ShareFixtures.temporaryDirectory()
        let site = parent.appendingPathComponent("site")
        let writer = SiteWriter(outputDirectory: site.path, renderer: try PageRenderer(store: ShareFixtures.store), site: ShareFixtures.site)
        _ = try writer.build(ShareFixtures.dataset())
        return (parent, site)
    }

    static func files(under root: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: root.path)
        var out: [String] = []
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(relative)
            }
        }
        return out.sorted()
    }

    static func read(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    @Test("every href and src in every page resolves on disk; none is absolute; fragments point at ids")
    func crawl() throws {
        let (parent, site) = try Self.build()
        defer { try? FileManager.default.removeItem(at: parent) }
        let pages = Self.files(under: site).filter { $0.hasSuffix(".html") }
        #expect(pages.count == ShareFixtures.exampleIDs.count + 1)

        var checked = 0
        var problems: [String] = []
        for page in pages {
            let pageURL = site.appendingPathComponent(page)
            let html = try Self.read(pageURL)
            let tags = HTMLScanner.tags(in: html)
            let ids = Set(tags.compactMap { $0.attribute("id") })
            for ref in HTMLScanner.references(in: html) {
                checked += 1
                switch HTMLScanner.classify(ref.value) {
                case .rootRelative:
                    problems.append("\(page): absolute path \(ref.value) breaks under a sub-path")
                case .fragment:
                    if !ids.contains(String(ref.value.dropFirst())) { problems.append("\(page): \(ref.value) points at no id") }
                case let .external(scheme):
                    // Protocol-relative and unknown schemes would request or run something.
                    if !["http", "https", "mailto", "data"].contains(scheme) { problems.append("\(page): \(ref.value)") }
                    if ref.tag != "a" && scheme != "data" { problems.append("\(page): <\(ref.tag)> loads \(ref.value) from the network") }
                case .relative:
                    var path = ref.value
                    if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
                        let fragment = path[cut...]
                        path = String(path[..<cut])
                        // A link to another page's fragment: the id must exist there.
                        if fragment.hasPrefix("#"), let target = URL(string: path, relativeTo: pageURL)?.standardizedFileURL,
                           let other = try? Self.read(target) {
                            let otherIDs = Set(HTMLScanner.tags(in: other).compactMap { $0.attribute("id") })
                            if !otherIDs.contains(String(fragment.dropFirst())) { problems.append("\(page): \(ref.value) points at no id") }
                        }
                    }
                    let target = pageURL.deletingLastPathComponent().appendingPathComponent(path.removingPercentEncoding ?? path).standardizedFileURL
                    if !target.path.hasPrefix(site.standardizedFileURL.path + "/") {
                        problems.append("\(page): \(ref.value) leaves the site folder")
                    } else if !FileManager.default.fileExists(atPath: target.path) {
                        problems.append("\(page): <\(ref.tag) \(ref.attribute)=\"\(ref.value)\"> is broken")
                    }
                }
            }
        }
        #expect(problems == [])
        #expect(checked > pages.count * 3, "the crawl saw \(checked) references; expected every page to link its stylesheet, favicon and index")
    }

    @Test("the stylesheet's name is its content hash, and every page links that name")
    func hashedAssets() throws {
        let css = try #require(TemplateStore.asset("style.css"))
        let asset = try #require(SiteWriter.hashedAssets().first { $0.name == "style.css" })
        #expect(asset.path == "assets/style.\(Slugs.shortHash(css)).css")
        #expect(asset.text == css)
        // A one-character change of the CSS text changes the name.
        #expect(Slugs.shortHash(css + " ") != Slugs.shortHash(css))
        #expect(Slugs.shortHash(css.replacingOccurrences(of: "#2f54c8", with: "#2f54c9")) != Slugs.shortHash(css))
        #expect(Slugs.shortHash(css) == Slugs.shortHash(String(css)), "a pure function of the text")

        let (parent, site) = try Self.build()
        defer { try? FileManager.default.removeItem(at: parent) }
        let files = Self.files(under: site)
        #expect(files.contains(asset.path))
        #expect(!files.contains("assets/style.css"), "only the hashed name is written")
        for page in files where page.hasSuffix(".html") {
            let html = try Self.read(site.appendingPathComponent(page))
            let prefix = page.contains("/") ? "../" : ""
            #expect(html.contains("<link rel=\"stylesheet\" href=\"\(prefix)\(asset.path)\">"), "\(page)")
        }
    }

    @Test("exports: metrics.csv has one row per campaign; each links CSV one row per link")
    func exports() throws {
        let (parent, site) = try Self.build()
        defer { try? FileManager.default.removeItem(at: parent) }
        let dataset = try ShareFixtures.dataset()
        let csv = try Self.read(site.appendingPathComponent("metrics.csv"))
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == dataset.reports.count + 1)
        #expect(rows.first?.hasPrefix("id,name,status,") == true)
        let ids = rows.dropFirst().map { $0.prefix { $0 != "," } }.map(String.init)
        #expect(ids == dataset.reports.map(\.campaign.id))

        // links.csv: a header, then each campaign's links in campaign order, led by its id.
        let links = try Self.read(site.appendingPathComponent("links.csv"))
        let lines = links.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == MetricsExport.linkColumns.joined(separator: ","))
        let expectedIDs = dataset.reports.flatMap { r in r.metrics.links.map { _ in r.campaign.id } }
        #expect(lines.dropFirst().map { String($0.prefix { $0 != "," }) } == expectedIDs)
        #expect(expectedIDs.count > 0)
        #expect(links == MetricsExport.linksCSV(dataset.reports))
        #expect(Self.files(under: site).allSatisfy { !$0.hasSuffix(".links.csv") })
        let json = try Self.read(site.appendingPathComponent("metrics.json"))
        #expect(json == MetricsExport.json(dataset.reports))
    }

    @Test("share tags on every page: title, description, Open Graph, Twitter card")
    func shareTags() throws {
        let (parent, site) = try Self.build()
        defer { try? FileManager.default.removeItem(at: parent) }
        for page in Self.files(under: site) where page.hasSuffix(".html") {
            let all = HTMLScanner.tags(in: try Self.read(site.appendingPathComponent(page)))
            let tags = Array(all.prefix { !($0.name == "head" && $0.isEndTag) })
            let metas = tags.starts("meta")
            func content(_ key: String) -> String? {
                metas.first { $0.attribute("name") == key || $0.attribute("property") == key }?.attribute("content")
            }
            for key in ["description", "og:title", "og:description", "og:type", "og:site_name", "twitter:card"] {
                #expect(content(key)?.isEmpty == false, "\(page) has no \(key)")
            }
            #expect(tags.starts("title").count == 1)
            #expect(tags.starts("link").contains { $0.attribute("rel") == "icon" }, "\(page) has no favicon")
        }
    }
}
