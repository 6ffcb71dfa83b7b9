// Benchmark tool: writes, for each campaign of a data folder, the Markdown Funnelmark's
// campaign page is made from (values in place, escaped for Markdown) as a Hugo content file,
// so that Hugo renders exactly the same Markdown as Funnelmark does.
//
// usage: funnelmark-hugo-content DATA_DIR CONTENT_DIR

import CampaignData
import Foundation
import ReportSite

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: funnelmark-hugo-content DATA_DIR CONTENT_DIR\n".utf8))
    exit(64)
}
let (data, content) = (arguments[1], arguments[2])
do {
    let dataset = try DatasetLoader.load(dataDirectory: data, computeInsights: false)
    let renderer = try PageRenderer(store: TemplateStore(overrideDirectory: nil))
    let site = SiteWriter.siteInfo(generatedAt: Timestamp(epochSeconds: 1_780_000_000), version: "bench")
    let shared = PageContext.CampaignShared(site: site, root: "../")
    let slugs = Slugs.assign(dataset.reports.map(\.campaign.id))
    try FileManager.default.createDirectory(atPath: content, withIntermediateDirectories: true)
    for i in dataset.reports.indices {
        let report = dataset.report(at: i)
        let context = PageContext.campaign(report, slug: slugs[i], shared: shared)
        guard case .object(let fields) = context, case .object(let page)? = fields["page"],
              case .string(let title)? = page["title"], case .string(let description)? = page["description"]
        else { fatalError("a campaign context without page.title and page.description") }
        // Front matter as JSON (Hugo reads it): the page title and description the layout shows.
        let front = try JSONSerialization.data(withJSONObject: ["title": title, "description": description], options: [.sortedKeys])
        var file = Array(front)
        file += Array("\n\n".utf8)
        file += try renderer.campaignMarkdown(context)
        try Data(file).write(to: URL(fileURLWithPath: "\(content)/\(slugs[i]).md"))
    }
} catch {
    FileHandle.standardError.write(Data("funnelmark-hugo-content: \(error)\n".utf8))
    exit(1)
}
