import Foundation
import Testing
@testable import FunnelmarkCLI

@Suite("check, bad event rows and strict templates from the command line")
struct DataCommandTests {
    static let examples = packageRoot.appendingPathComponent("Examples").path

    func dataFolder(_ dir: URL, events: String) throws -> URL {
        let data = dir.appendingPathComponent("data")
        try write(#"{"campaigns": [{"id": "c1", "status": "sent", "sent_at": "2026-06-01T09:00:00Z", "audience": {"size": 3}, "counts": {"sent": 9}}]}"#,
                  to: data.appendingPathComponent("campaigns.json"))
        try write(events, to: data.appendingPathComponent("events.csv"))
        return data
    }

    static let events = """
    campaign_id,recipient,event,timestamp
    c1,a@x.example,sent,2026-06-01T09:00:00Z
    c1,a@x.example,opne,2026-06-01T09:05:00Z
    c1,b@x.example,sent,yesterday
    c1,b@x.example,delivered,2026-06-01T09:00:03Z

    """

    @Test("a bad event row stops the run with its location, nothing written")
    func strictRows() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try dataFolder(dir, events: Self.events)
        let out = dir.appendingPathComponent("site")
        let result = run(["build", "--data", data.path, "--out", out.path])
        #expect(result.code == 65)
        #expect(result.stderr.hasPrefix("funnelmark: error: \(data.path)/events.csv:3:"), "\(result.stderr)")
        #expect(result.stderr.contains("\"opne\""))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("--skip-bad-rows counts the bad rows and names the first ones")
    func skippedRows() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try dataFolder(dir, events: Self.events)
        let result = run(["metrics", "--data", data.path, "--skip-bad-rows"])
        #expect(result.code == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "funnelmark: warning: skipped 2 bad event rows")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("  \(data.path)/events.csv:3:"))
        #expect(lines[2].hasPrefix("  \(data.path)/events.csv:4:"))
        #expect(result.stdout.contains("\"sent\": 1, \"delivered\": 1"))
    }

    @Test("check lists problems and warnings and exits 65 on errors")
    func check() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try dataFolder(dir, events: Self.events)
        let result = run(["check", "--data", data.path])
        #expect(result.code == 65)
        #expect(result.stdout.contains("error: \(data.path)/events.csv:3:"))
        #expect(result.stdout.contains("warning: \(data.path)/campaigns.json:1:16: campaign \"c1\": pre-aggregated counts disagree with the events (events win): sent 9 in counts vs 1 from events"))
        #expect(result.stdout.hasSuffix("1 campaigns, 1 event file: 2 errors, 2 warnings\n") || result.stdout.contains("2 errors"), "\(result.stdout)")
        let clean = run(["check", "--data", Self.examples])
        #expect(clean.code == 0, "\(clean.stdout)")
    }

    @Test("--strict-templates turns an unknown name into an error with a caret; built-in templates pass")
    func strictTemplates() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(run(["build", "--data", Self.examples, "--out", dir.appendingPathComponent("a").path, "--strict-templates", "--quiet"]).code == 0)
        let templates = dir.appendingPathComponent("t")
        try write("# {{campaign.nmae}}\n", to: templates.appendingPathComponent("campaign.md"))
        let lenient = run(["build", "--data", Self.examples, "--out", dir.appendingPathComponent("b").path, "--templates", templates.path, "--quiet"])
        #expect(lenient.code == 0)
        let strict = run(["build", "--data", Self.examples, "--out", dir.appendingPathComponent("c").path, "--templates", templates.path, "--strict-templates"])
        #expect(strict.code == 65)
        #expect(strict.stderr.hasPrefix("funnelmark: error: \(templates.path)/campaign.md:1:3: "), "\(strict.stderr)")
        #expect(strict.stderr.contains("nmae"))
        #expect(strict.stderr.hasSuffix("# {{campaign.nmae}}\n  ^\n"), "\(strict.stderr)")
    }
}
