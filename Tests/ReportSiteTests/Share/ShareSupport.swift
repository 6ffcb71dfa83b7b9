import CampaignData
import Foundation
import Testing
@testable import ReportSite

/// Fixtures for the shareable outputs: the Examples data set, a fixed
/// "generated at", and a hostile data set made to stress the email body.
enum ShareFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = packageRoot.appendingPathComponent("Examples").path

    static let site = SiteWriter.siteInfo(generatedAt: Timestamp(epochSeconds: 1_780_000_000), version: "test")

    /// The Examples data set, loaded once.
    private static let loadedExamples = Result { try DatasetLoader.load(dataDirectory: examples) }
    static func dataset() throws -> Dataset { try loadedExamples.get() }

    /// The Examples campaign ids (listed in campaigns.json order), for parameterised tests.
    static let exampleIDs: [String] = (try? dataset().reports.map(\.campaign.id)) ?? []

    static func example(_ id: String) throws -> (report: CampaignReport, slug: String) {
        try CampaignLookup.find(id, in: dataset(), dataDirectory: examples)
    }

    static let store = TemplateStore(overrideDirectory: nil)

    /// A campaign whose every text field is markup or a script, with 300
    /// links (one `javascript:`), long names and complaints high enough for
    /// many insights: the worst case for escaping and for the email's size.
    static let hostileJSON: String = {
        var links: [String] = []
        for i in 0..<300 {
            let url = i == 1 ? "javascript:alert(1)" : "https://shop.example/\(i)/<b>?utm_source=newsletter&amp;x=\"q\"&utm_medium=email&utm_campaign=\(String(repeating: "long", count: 20))"
            links.append(#"{"url": \#(json(url)), "clicks": \#(1000 - i), "unique_clicks": \#(900 - i)}"#)
        }
        let evil = "<script>alert('x')</script> *Sale* & <img src=x onerror=alert(1)> {{mustache}}"
        return """
        {"campaigns": [{"id": "evil-1", "name": \(json(evil + String(repeating: " Long name", count: 30))), "subject": \(json(evil)),
          "preheader": \(json(evil)), "from_name": \(json(evil)), "from_email": "a@b.example", "status": "sent",
          "audience": {"name": \(json(evil)), "size": 100000}, "sent_at": "2026-03-01T10:00:00Z", "tags": [\(json(evil)), "x"],
          "counts": {"sent": 90000, "delivered": 80000, "bounced": 10000, "hard_bounced": 8000, "soft_bounced": 2000,
                     "unique_opens": 9000, "total_opens": 12000, "human_unique_opens": 2000, "unique_clicks": 300, "total_clicks": 900,
                     "unsubscribed": 2000, "complaints": 900, "dropped": 0},
          "links": [\(links.joined(separator: ",\n"))]}]}
        """
    }()

    static func json(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// The hostile data set, loaded from a temporary folder.
    private static let loadedHostile = Result {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(hostileJSON.utf8).write(to: dir.appendingPathComponent("campaigns.json"))
        return try DatasetLoader.load(dataDirectory: dir.path)
    }
    static func hostile() throws -> CampaignReport {
        try #require(try loadedHostile.get().reports.first)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("funnelmark-share-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Tags by name, for assertions.
extension [HTMLScanner.Tag] {
    func starts(_ name: String) -> [HTMLScanner.Tag] { filter { $0.name == name && !$0.isEndTag } }
}
