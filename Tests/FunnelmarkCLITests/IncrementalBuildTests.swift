import Foundation
import Testing
@testable import FunnelmarkCLI
@testable import ReportSite

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
        try write("campaign_id\r\n", to: out.appendingPathComponent("links.csv"))
        let changed = try changedExamples(in: dir)
        #expect(run(["build", "--data", changed.path, "--out", out.path, "--quiet"]).code == 0)
        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", changed.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))
    }

    @Test("campaigns whose ids the exports escape or quote are kept too, and the result equals a full build")
    func escapedIds() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Ids written as they are, quoted in CSV, escaped in JSON, guarded against formulas, beyond ASCII.
        let ids = ["plain-1", "a,b", #"say \"hi\""#, "=SUM(A1)", "café", #"back\\slash"#, "-7", "@home"]
        func data(renaming index: Int?) throws -> URL {
            let folder = dir.appendingPathComponent(index.map { "data-\($0)" } ?? "data")
            let campaigns = ids.enumerated().map { k, id in
                #"{"id": "\#(id)", "name": "Campaign \#(k)\#(k == index ? " (renamed)" : "")", "status": "sent", "#
                    + #""sent_at": "2026-01-0\#(k + 1)T09:00:00Z", "counts": {"sent": 100, "delivered": 90}, "#
                    + #""links": [{"url": "https://example.com/\#(k)", "clicks": 3, "unique_clicks": 2}]}"#
            }
            try write("{\"campaigns\": [\n" + campaigns.joined(separator: ",\n") + "\n]}\n",
                      to: folder.appendingPathComponent("campaigns.json"))
            return folder
        }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", try data(renaming: nil).path, "--out", out.path, "--quiet"]).code == 0)
        let changed = try data(renaming: 3)
        let result = run(["build", "--data", changed.path, "--out", out.path])
        #expect(result.stderr.hasPrefix("Updated 1 of \(ids.count) campaign pages"), "\(result.stderr)")
        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", changed.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))
    }

    @Test("changed campaigns spread over several render batches are each rendered once, in order, and the result equals a full build")
    func manyChanged() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 1,300 campaigns, more than two batches' worth; every third one changes its subject,
        // and the last one and a run at a batch boundary change too.
        let count = 1_300
        let changedSet = Set((0..<count).filter { $0 % 3 == 0 } + [count - 1] + Array(508...516))
        func data(_ name: String, changing: Set<Int>) throws -> URL {
            let folder = dir.appendingPathComponent(name)
            let campaigns = (0..<count).map { k in
                #"{"id": "c-\#(k)", "name": "Campaign \#(k)", "subject": "Offer \#(k)\#(changing.contains(k) ? " (new)" : "")", "#
                    + #""status": "sent", "sent_at": "2026-01-01T\#(String(format: "%02d", k % 24)):00:00Z", "#
                    + #""counts": {"sent": \#(100 + k), "delivered": \#(90 + k), "unique_opens": \#(k % 50)}, "#
                    + #""links": [{"url": "https://example.com/\#(k)", "clicks": 3, "unique_clicks": 2}]}"#
            }
            try write("{\"campaigns\": [\n" + campaigns.joined(separator: ",\n") + "\n]}\n",
                      to: folder.appendingPathComponent("campaigns.json"))
            return folder
        }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", try data("before", changing: []).path, "--out", out.path, "--quiet"]).code == 0)
        let after = try data("after", changing: changedSet)
        let result = run(["build", "--data", after.path, "--out", out.path])
        #expect(result.stderr.hasPrefix("Updated \(changedSet.count) of \(count) campaign pages"), "\(result.stderr)")
        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", after.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))
    }

    @Test("the exports are updated in place, unless linked elsewhere or their campaigns moved in the list; each time the result equals a full build")
    func exportsInPlace() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        /// 40 campaigns in the order of `order`, with the names `names` gives (else "Campaign i").
        func data(_ name: String, order: [Int] = Array(0..<40), names: [Int: String] = [:]) throws -> URL {
            let folder = dir.appendingPathComponent(name)
            let list = order.map { i in
                let name = names[i] ?? "Campaign \(i)"
                return #"{"id": "c-\#(i)", "name": "\#(name)", "status": "sent", "#
                    + #""sent_at": "2026-0\#(1 + i % 9)-1\#(i % 10)T09:00:00Z", "#
                    + #""counts": {"sent": \#(1000 + i), "delivered": \#(980 + i), "unique_opens": \#(300 + i)}, "#
                    + #""links": [{"url": "https://example.com/\#(i)", "clicks": 5, "unique_clicks": 4}]}"#
            }
            try write("{\"campaigns\": [\n" + list.joined(separator: ",\n") + "\n]}\n", to: folder.appendingPathComponent("campaigns.json"))
            return folder
        }
        let out = dir.appendingPathComponent("site")
        func inode(_ name: String) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(name).path)[.systemFileNumber] as? Int
        }
        func matchesFullBuild(_ data: URL, _ label: String) throws {
            let fresh = dir.appendingPathComponent("fresh-" + label)
            #expect(run(["build", "--data", data.path, "--out", fresh.path, "--quiet"]).code == 0)
            #expect(try snapshot(out) == snapshot(fresh), "\(label)")
        }
        #expect(run(["build", "--data", try data("first").path, "--out", out.path, "--quiet"]).code == 0)
        let exports = ["metrics.json", "metrics.csv", "links.csv"]
        let first = try exports.map(inode)

        // Longer and shorter names, and a campaign dropped: ranges move right and left.
        var order = Array(0..<40)
        order.remove(at: 25)
        let second = try data("second", order: order, names: [3: "Campaign three, renamed longer", 17: "C17"])
        #expect(run(["build", "--data", second.path, "--out", out.path, "--quiet"]).code == 0)
        #expect(try exports.map(inode) == first)
        try matchesFullBuild(second, "second")

        // metrics.csv has a second name (a backup by hard link): it is written whole, the backup kept.
        let backup = dir.appendingPathComponent("backup.csv")
        #expect(link(out.appendingPathComponent("metrics.csv").path, backup.path) == 0)
        let saved = try Data(contentsOf: backup)
        let third = try data("third", order: order, names: [3: "Campaign three, renamed longer", 17: "C17", 30: "Thirty"])
        #expect(run(["build", "--data", third.path, "--out", out.path, "--quiet"]).code == 0)
        #expect(try inode("metrics.csv") != first[1])
        #expect(try inode("metrics.json") == first[0])
        #expect(try Data(contentsOf: backup) == saved)
        try matchesFullBuild(third, "third")

        // Two campaigns swap places in the list: their kept ranges are out of order.
        order.swapAt(5, 30)
        let fourth = try data("fourth", order: order, names: [3: "Campaign three, renamed longer", 17: "C17", 30: "Thirty"])
        #expect(run(["build", "--data", fourth.path, "--out", out.path, "--quiet"]).code == 0)
        try matchesFullBuild(fourth, "fourth")
    }

    @Test("a build into a folder another build holds waits for it, and says so unless --quiet")
    func waitsForAnotherBuild() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples.path, "--out", out.path, "--quiet"]).code == 0)
        let changed = try changedExamples(in: dir)
        for quiet in [false, true] {
            var other = FolderLock(out.path)
            #expect(other != nil)
            let result = Capture(), done = DispatchSemaphore(value: 0)
            Thread {
                let r = run(["build", "--data", changed.path, "--out", out.path] + (quiet ? ["--quiet"] : []))
                result.append("\(r.code)\n" + r.stderr)
                done.signal()
            }.start()
            #expect(done.wait(timeout: .now() + 1) == .timedOut)
            other = nil
            #expect(done.wait(timeout: .now() + 60) == .success)
            let said = result.value
            #expect(said.hasPrefix("0\n"), "\(said)")
            #expect(said.contains("Waiting for another build into \(out.path)/ to finish") == !quiet, "\(said)")
        }
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

    /// campaigns.json with `count` sent campaigns, four per month from January 2020;
    /// `rename` and `move` alter one campaign's name, or its send time to December 2019.
    static func manyCampaigns(_ count: Int, rename: Int? = nil, move: Int? = nil) -> String {
        let list = (0..<count).map { i -> String in
            let month = 1 + (i / 4) % 12, year = 2020 + i / 48
            var sentAt = "\(year)-\(month < 10 ? "0" : "")\(month)-\(10 + i % 4)T09:00:00Z"
            if i == move { sentAt = "2019-12-01T09:00:00Z" }
            let sent = 1000 + i * 7
            return """
                {"id": "c-\(i)", "name": "Campaign \(i)\(i == rename ? " (renamed)" : "")", "status": "sent", "sent_at": "\(sentAt)",
                 "audience": {"size": \(sent + 10)}, "counts": {"sent": \(sent), "delivered": \(sent - 20), "bounced": 20,
                 "unique_opens": \(300 + i % 50), "unique_clicks": \(40 + i % 9), "unsubscribed": \(i % 5), "complaints": 0},
                 "links": [{"url": "https://example.com/\(i)?utm_source=news", "clicks": 50, "unique_clicks": 40}]}
                """
        }
        return "{\"campaigns\": [\n" + list.joined(separator: ",\n") + "\n]}\n"
    }

    @Test("month pages are rewritten only when one of their campaigns (or a neighbour month) changed")
    func monthPages() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        let data = dir.appendingPathComponent("data")
        try write(Self.manyCampaigns(150), to: data.appendingPathComponent("campaigns.json"))
        #expect(run(["build", "--data", data.path, "--out", out.path, "--quiet"]).code == 0)
        let months = out.appendingPathComponent("months")
        func inodes() throws -> [String: Int] {
            var result: [String: Int] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: months.path) {
                result[name] = try FileManager.default.attributesOfItem(atPath: months.appendingPathComponent(name).path)[.systemFileNumber] as? Int
            }
            return result
        }
        let before = try inodes()
        #expect(before.count == 38)

        // Campaign 4 is the first of February 2020: only that month's page is new.
        try write(Self.manyCampaigns(150, rename: 4), to: data.appendingPathComponent("campaigns.json"))
        #expect(run(["build", "--data", data.path, "--out", out.path, "--quiet"]).code == 0)
        let afterRename = try inodes()
        #expect(Set(before.keys.filter { before[$0] != afterRename[$0] }) == ["2020-02.html"])
        let fresh = dir.appendingPathComponent("fresh")
        #expect(run(["build", "--data", data.path, "--out", fresh.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh))

        // Moving campaign 8 to December 2019 makes a new month and changes March 2020 and the
        // neighbour links of January 2020 (and, as the account history each campaign is compared
        // with shifts, the next few months).
        try write(Self.manyCampaigns(150, rename: 4, move: 8), to: data.appendingPathComponent("campaigns.json"))
        #expect(run(["build", "--data", data.path, "--out", out.path, "--quiet"]).code == 0)
        let afterMove = try inodes()
        let rewritten = Set(afterMove.keys.filter { afterRename[$0] != afterMove[$0] })
        #expect(rewritten.isSuperset(of: ["2019-12.html", "2020-01.html", "2020-03.html"]))
        #expect(rewritten.count < afterMove.count)
        let fresh2 = dir.appendingPathComponent("fresh2")
        #expect(run(["build", "--data", data.path, "--out", fresh2.path, "--quiet"]).code == 0)
        #expect(try snapshot(out) == snapshot(fresh2))

        // A month page deleted from the output is made again, though its campaigns kept their
        // fingerprints; the others stay as they were.
        try FileManager.default.removeItem(at: months.appendingPathComponent("2020-06.html"))
        #expect(run(["build", "--data", data.path, "--out", out.path, "--quiet"]).code == 0)
        let afterDelete = try inodes()
        #expect(Set(afterMove.keys.filter { afterMove[$0] != afterDelete[$0] }) == ["2020-06.html"])
        #expect(try snapshot(out) == snapshot(fresh2))
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

    @Test("a progress line reads done of total, rate and time left, grouped like the reports' counts")
    func progressLine() {
        #expect(ProgressLine.line(done: 8192, total: 10000, label: "pages", rate: 12270.6, left: 0.15)
                == "8,192 of 10,000 pages · 12,270 pages/s · under 1 s left")
        #expect(ProgressLine.line(done: 512, total: 1_000_000, label: "pages", rate: 900, left: 1110.5)
                == "512 of 1,000,000 pages · 900 pages/s · 18 min 31 s left")
        #expect(ProgressLine.line(done: 10000, total: 10000, label: "pages", rate: 12438, left: 0)
                == "10,000 of 10,000 pages · 12,438 pages/s · done")
        #expect(ProgressLine.grouped(999) == "999")
        #expect(ProgressLine.grouped(1000) == "1,000")
        #expect(ProgressLine.grouped(-1234567) == "-1,234,567")
    }
}
