import CampaignData
import Foundation
import Testing
@testable import ReportSite

@Suite("report file: atomic write and campaign lookup")
struct ReportFileTests {
    @Test("writes a new file and replaces an old one, leaving no temporary file")
    func replaces() throws {
        let dir = try ShareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("report.html").path
        try ReportFile.write("first", to: path)
        try ReportFile.write("second", to: path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.html"])
    }

    @Test("a folder that is missing, or a folder in place of the file: OutputError, nothing written")
    func failures() throws {
        let dir = try ShareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: OutputError.self) { try ReportFile.write("x", to: dir.appendingPathComponent("missing/report.html").path) }
        let folder = dir.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: folder.appendingPathComponent("inside.txt"))
        #expect(throws: OutputError.self) { try ReportFile.write("x", to: folder.path) }
        #expect(try String(decoding: Data(contentsOf: folder.appendingPathComponent("inside.txt")), as: UTF8.self) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["taken"])
    }

    @Test("an unwritable folder is an OutputError naming the file")
    func unwritable() {
        do {
            try ReportFile.write("x", to: "/proc/funnelmark-report.html")
            Issue.record("writing into /proc succeeded")
        } catch {
            #expect(error.path == "/proc/funnelmark-report.html")
            #expect(error.message.contains("not writable"))
        }
    }

    @Test("lookup by id gives the report and the site's slug")
    func found() throws {
        let dataset = try ShareFixtures.dataset()
        let (report, slug) = try CampaignLookup.find("2026-03-newsletter", in: dataset, dataDirectory: "Examples")
        #expect(report.campaign.id == "2026-03-newsletter")
        #expect(slug == "2026-03-newsletter")
    }

    @Test("an unknown id is bad input naming the id, a near match and known ids", arguments: [
        ("nope", "Examples/campaigns.json: no campaign with id \"nope\"; expected one of \"2026-01-winter-sale\", "),
        ("2026-03-NEWSLETTER", "Examples/campaigns.json: no campaign with id \"2026-03-NEWSLETTER\" (did you mean \"2026-03-newsletter\"?); expected one of "),
    ])
    func unknown(id: String, prefix: String) throws {
        let dataset = try ShareFixtures.dataset()
        do {
            _ = try CampaignLookup.find(id, in: dataset, dataDirectory: "Examples")
            Issue.record("found \(id)")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.description.hasPrefix(prefix), "\(error.description)")
            #expect(error.description.hasSuffix(" and 1 more"))
        }
    }
}
