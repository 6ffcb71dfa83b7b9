import CampaignData
import Foundation
import ReportSite

extension Commands {
    /// `funnelmark report ID --data DIR [-o FILE] [--email]`: one shareable file.
    ///
    /// Without `--email`: the campaign's page as one self-contained HTML file
    /// (stylesheet inlined, chart inline, favicon as a data URI, no link into
    /// the site). With `--email`: an email-safe body (tables, inline styles).
    /// Prints to stdout without `-o` (or with `-o -`); `-o FILE` is written
    /// atomically. An unknown ID is bad input (exit 65).
    static func report(_ raw: [String], console: Console, environment: [String: String]) throws {
        let args = try Arguments(raw, command: "report", options: ["--data", "-o", "--templates", "--config"],
                                 flags: ["--email", "--skip-bad-rows"], aliases: ["--output": "-o"])
        guard args.positionals.count == 1, let id = args.positionals.first else {
            throw UsageError(message: args.positionals.isEmpty ? "'report' needs a campaign ID" : "'report' takes one campaign ID", command: "report")
        }
        if let out = args.options["-o"], out.isEmpty {
            throw UsageError(message: "-o needs a file name (or - for stdout)", command: "report")
        }
        let email = args.flags.contains("--email")
        let store = TemplateStore(overrideDirectory: try templatesDirectory(args))
        let dataset = try loadDataset(args, command: "report", console: console)
        let data = try args.required("--data", command: "report")
        let (report, slug) = try CampaignLookup.find(id, in: dataset, dataDirectory: data)
        let site = SiteWriter.siteInfo(generatedAt: try generatedAt(environment), version: Funnelmark.version)

        let html: String
        if email {
            html = try EmailReport.render(report, slug: slug, site: site, store: store)
            let size = html.utf8.count
            if size > EmailReport.clipLimit {
                console.err("funnelmark: warning: the email body is \(size / 1024) KB; Gmail clips messages over \(EmailReport.clipLimit / 1024) KB\n")
            }
        } else {
            html = try StandaloneReport.render(report, slug: slug, site: site, renderer: try PageRenderer(store: store))
        }

        if let out = args.options["-o"], out != "-" {
            try ReportFile.write(html, to: out)
        } else {
            console.out(html)
        }
    }
}
