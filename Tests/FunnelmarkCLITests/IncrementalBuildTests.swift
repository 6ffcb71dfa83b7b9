import Foundation
import Testing
@testable import FunnelmarkCLI

@Suite("incremental rebuilds and progress")
struct IncrementalBuildTests {
    static let examples = packageRoot.appendingPathComponent("Examples")

    /// A copy of the example data with one campaign renamed.
    func changedExamples(in dir: URL) throws -> URL {
        let data = dir.appendingPathComponent("changed")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        var text = try String(contentsOf: Self.examples.appendingPathComponent("campaigns.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"name\": \"Trailhead 2 launch\"", with: "\"name\": \"Trailhead 2 launch (final)\"")
        try write(text, to: data.appendingPathComponent("campaigns.json"))
        try FileManager.default.copyItem(at: Self.examples.appendingPathComponent("events.csv"), to: data.appendingPathComponent("events.csv"))
        return data
    }

    @Test("after one campaign changed, only its page, the overview and the exports are rewritten; the result equals a full build")
    func onePageChanged() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path, "--quiet"]).code == 0)
        // Mark an untouched page so we can see it was not rewritten.
        let untouched = out.appendingPathComponent("campaigns/2026-01-winter-sale.html")
        let before = try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date
        let inode = try FileManager.default.attributesOfItem(atPath: untouched.path)[.systemFileNumber] as? Int

        let changed = try changedExamples(in: dir)
        let result = run(["build", "--data", changed.path, "--out", out.path])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr == "Updated 1 of 9 campaign pages, the overview and exports in \(out.path)/\n")
        #expect(try FileManager.default.attributesOfItem(atPath: untouched.path)[.systemFileNumber] as? Int == inode)
        #expect(try FileManager.default.attributesOfItem(atPath: untouched.path)[.modificationDate] as? Date == before)

        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", changed.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))
        let page = try String(contentsOf: out.appendingPathComponent("campaigns/2026-02-product-launch.html"), encoding: .utf8)
        #expect(page.contains("Trailhead 2 launch (final)"))
    }

    @Test("unchanged campaigns' exports are copied only when they still hold that campaign")
    func editedExports() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path, "--quiet"]).code == 0)
        // Someone edits the exports in place: the spans no longer hold the campaigns.
        try write(String(repeating: "x", count: 100) + "\n", to: out.appendingPathComponent("metrics.json"))
        try write("id\r\n", to: out.appendingPathComponent("metrics.csv"))
        let changed = try changedExamples(in: dir)
        #expect(run(["build", "--data", changed.path, "--out", out.path, "--quiet"]).code == 0)
        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", changed.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))
    }

    @Test("a template change rebuilds every page; --full always does")
    func fullRebuilds() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path, "--quiet"]).code == 0)
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path]).stderr.hasPrefix("Updated 0 of 9"))
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path, "--full"]).stderr.hasPrefix("Built 9 campaign pages"))
        let templates = dir.appendingPathComponent("t")
        try write("<p>Method.</p>\n", to: templates.appendingPathComponent("partials/methodology.md"))
        let result = run(["build", "--data", Self.examples.path, "--out", out.path, "--templates", templates.path])
        #expect(result.stderr.hasPrefix("Built 9 campaign pages"), "\(result.stderr)")
    }

    @Test("a removed campaign's page goes away")
    func removedCampaign() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path, "--quiet"]).code == 0)
        let data = dir.appendingPathComponent("fewer")
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.examples.appendingPathComponent("campaigns.json"))) as! [String: Any]
        let list = (doc["campaigns"] as! [[String: Any]]).filter { ($0["id"] as! String) != "2026-05-flash-sale" }
        try JSONSerialization.data(withJSONObject: ["campaigns": list]).write(to: { try! FileManager.default.createDirectory(at: data, withIntermediateDirectories: true); return data.appendingPathComponent("campaigns.json") }())
        try FileManager.default.copyItem(at: Self.examples.appendingPathComponent("events.csv"), to: data.appendingPathComponent("events.csv"))
        #expect(run(["build", "--data", data.path, "--out", out.path, "--quiet"]).code == 0)
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("campaigns/2026-05-flash-sale.html").path))
        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", data.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))
    }

    @Test("progress goes to a terminal's stderr only, never with --quiet")
    func progress() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (terminal, quiet, expectProgress) in [(true, false, true), (true, true, false), (false, false, false)] {
            let err = Capture()
            let console = Console(out: { _ in }, err: { err.append($0) }, errIsTerminal: terminal)
            let out = dir.appendingPathComponent("site-\(terminal)-\(quiet)").path
            let code = Funnelmark.run(["build", "--data", Self.examples.path, "--out", out] + (quiet ? ["--quiet"] : []),
                                      console: console, environment: ["SOURCE_DATE_EPOCH": "1780000000"])
            #expect(code == 0)
            #expect(err.value.contains("9 of 9 pages") == expectProgress, "terminal \(terminal), quiet \(quiet): \(err.value)")
            if quiet { #expect(err.value.isEmpty) }
        }
    }
}
