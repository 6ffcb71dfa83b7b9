import Foundation
import Testing
@testable import FunnelmarkCLI

@Suite("report command, end to end")
struct ReportCommandTests {
    static let examples = packageRoot.appendingPathComponent("Examples").path

    @Test("without -o the one-file report goes to stdout, nothing to stderr")
    func stdout() {
        let result = run(["report", "2026-01-winter-sale", "--data", Self.examples])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>"))
        #expect(result.stdout.contains("<style>"))
        #expect(!result.stdout.contains("<link rel=\"stylesheet\""))
        #expect(result.stdout.contains("<svg class=\"chart funnel-chart\""))
        #expect(run(["report", "2026-01-winter-sale", "--data", Self.examples, "-o", "-"]).stdout == result.stdout, "-o - is stdout")
    }

    @Test("--email prints the email body")
    func email() {
        let result = run(["report", "2026-04-reactivation", "--data", Self.examples, "--email"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains(#"<meta name="supported-color-schemes" content="light dark">"#))
        #expect(!result.stdout.contains("<svg"))
        #expect(result.stdout.utf8.count < 102 * 1024)
    }

    @Test("-o writes the file (and replaces a previous one); the same inputs give the same bytes", arguments: [false, true])
    func toFile(email: Bool) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report.html")
        try write("previous", to: out)
        let args = ["report", "2026-02-product-launch", "--data", Self.examples, "--output", out.path] + (email ? ["--email"] : [])
        let result = run(args)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let written = String(decoding: try Data(contentsOf: out), as: UTF8.self)
        #expect(written == run(Array(args.dropLast(email ? 3 : 2)) + (email ? ["--email"] : [])).stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.html"], "no temporary file left")
    }

    @Test("an unknown id is bad input (65) naming the id and known ids; a previous file is left as it was")
    func unknownID() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("report.html")
        try write("previous", to: out)
        let result = run(["report", "2026-13-nope", "--data", Self.examples, "-o", out.path])
        #expect(result.code == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("funnelmark: error: \(Self.examples)/campaigns.json: no campaign with id \"2026-13-nope\"; expected one of \"2026-01-winter-sale\", "))
        #expect(result.stderr.hasSuffix(" and 1 more\n"))
        #expect(String(decoding: try Data(contentsOf: out), as: UTF8.self) == "previous")
    }

    @Test("missing data folder: 66")
    func missingData() {
        let result = run(["report", "x", "--data", "/nonexistent/funnelmark-data"])
        #expect(result.code == 66)
        #expect(result.stderr.hasPrefix("funnelmark: error: /nonexistent/funnelmark-data: "))
    }

    @Test("an output that cannot be written: 73, stdout empty", arguments: [
        "/proc/funnelmark-report.html", "/nonexistent/folder/report.html",
    ])
    func unwritable(path: String) {
        let result = run(["report", "2026-01-winter-sale", "--data", Self.examples, "-o", path])
        #expect(result.code == 73)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("funnelmark: error: \(path): cannot write"))
    }

    @Test("-o naming a folder: 73, the folder untouched")
    func outputIsFolder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = run(["report", "2026-01-winter-sale", "--data", Self.examples, "-o", dir.path])
        #expect(result.code == 73)
        #expect(result.stderr == "funnelmark: error: \(dir.path): is a folder; expected a file name to write the report to\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test("bad usage: 64", arguments: [
        (["report", "--data", "Examples"], "'report' needs a campaign ID"),
        (["report", "a", "b", "--data", "Examples"], "'report' takes one campaign ID"),
        (["report", "a"], "'report' needs --data"),
        (["report", "a", "--data", "Examples", "--format", "pdf"], "unknown option '--format' for 'report'"),
    ])
    func usage(args: [String], message: String) {
        let result = run(args)
        #expect(result.code == 64)
        #expect(result.stderr.hasPrefix("funnelmark: error: \(message)"), "\(result.stderr)")
        #expect(result.stderr.hasSuffix("Run 'funnelmark report --help' for usage.\n"))
    }

    @Test("--templates overrides the email template like any other")
    func templatesOverride() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("<p>{{campaign.name}} · {{counts.delivered}}</p>\n", to: dir.appendingPathComponent("email.html"))
        let result = run(["report", "2026-01-winter-sale", "--data", Self.examples, "--email", "--templates", dir.path])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout == "<p>Winter Sale: up to 40% off · 47,311</p>\n")
    }
}
