import Foundation
import Testing
@testable import FunnelmarkCLI

@Suite("command line, end to end")
struct EndToEndTests {
    static let examples = packageRoot.appendingPathComponent("Examples").path

    @Test("build writes the documented layout")
    func buildLayout() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site").path
        let result = run(["build", "--data", Self.examples, "--out", out, "--quiet"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let files = try snapshot(URL(fileURLWithPath: out))
        #expect(files["index.html"] != nil)
        #expect(files["metrics.json"] != nil)
        #expect(files["metrics.csv"] != nil)
        #expect(files["campaigns/2026-01-winter-sale.html"] != nil)
        #expect(files.keys.contains { $0.hasPrefix("assets/style.") && $0.hasSuffix(".css") })
        #expect(files.keys.filter { $0.hasPrefix("campaigns/") && $0.hasSuffix(".html") }.count == 9)
    }

    @Test("the same inputs give byte-identical output")
    func deterministic() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        #expect(run(["build", "--data", Self.examples, "--out", a, "--quiet"]).code == 0)
        #expect(run(["build", "--data", Self.examples, "--out", b, "--quiet"]).code == 0)
        #expect(try snapshot(URL(fileURLWithPath: a)) == snapshot(URL(fileURLWithPath: b)))
    }

    @Test("metrics prints the JSON that build writes")
    func metricsMatchesBuild() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples, "--out", out.path, "--quiet"]).code == 0)
        let printed = run(["metrics", "--data", Self.examples, "--format", "json"])
        #expect(printed.code == 0)
        #expect(printed.stdout == String(decoding: try Data(contentsOf: out.appendingPathComponent("metrics.json")), as: UTF8.self))
    }

    @Test("bad data: exit code and a one-line error with file, line and column", arguments: [
        (#"{"campaigns": [{"id": "a", "status": "sent", "counts": {"sent": 5, "delivered": 9}}]}"#, Int32(65),
         "funnelmark: error: DATA/campaigns.json:1:81: campaign \"a\": delivered (9) is above sent (5); expected delivered ≤ sent\n"),
        (#"{"campaigns": [{"id": "a", "status": "paused"}]}"#, Int32(65),
         "funnelmark: error: DATA/campaigns.json:1:38: status is \"paused\"; expected one of draft, scheduled, sending, sent\n"),
        ("{\"campaigns\": [\n{\"id\": \"a\", \"status\": \"sent\"},\n{\"id\": \"a\", \"status\": \"sent\"}]}", Int32(65),
         "funnelmark: error: DATA/campaigns.json:3:8: duplicate campaign id \"a\"; first defined at line 2; expected each id once\n"),
        ("{\"campaigns\": [", Int32(65), "funnelmark: error: DATA/campaigns.json:1:16: invalid JSON: unexpected end of file; expected a JSON value\n"),
    ])
    func badData(json: String, code: Int32, message: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write(json, to: dir.appendingPathComponent("campaigns.json"))
        let result = run(["metrics", "--data", dir.path])
        #expect(result.code == code)
        #expect(result.stderr == message.replacingOccurrences(of: "DATA", with: dir.path))
        #expect(result.stdout.isEmpty)
    }

    @Test("missing inputs exit 66")
    func missing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let noFile = run(["build", "--data", dir.path, "--out", dir.appendingPathComponent("o").path])
        #expect(noFile.code == 66)
        #expect(noFile.stderr == "funnelmark: error: \(dir.path)/campaigns.json: file does not exist or cannot be read; expected the campaigns of the data folder\n")
        let noFolder = run(["check", "--data", dir.appendingPathComponent("nope").path])
        #expect(noFolder.code == 66)
    }

    @Test("usage errors exit 64 and point at --help", arguments: [
        (["build"], "funnelmark: error: 'build' needs --data\nRun 'funnelmark build --help' for usage.\n"),
        (["build", "--data"], "funnelmark: error: --data needs a value\nRun 'funnelmark build --help' for usage.\n"),
        (["frobnicate"], "funnelmark: error: unknown command 'frobnicate'; expected build, report, metrics, check or mustache\nRun 'funnelmark --help' for usage.\n"),
        (["metrics", "--data", "x", "--format", "xml"], "funnelmark: error: --format is 'xml'; expected json or csv\nRun 'funnelmark metrics --help' for usage.\n"),
        (["build", "--data", "x", "--colour"], "funnelmark: error: unknown option '--colour' for 'build'; expected one of --config, --data, --full, --out, --quiet, --skip-bad-rows, --strict-templates, --templates\nRun 'funnelmark build --help' for usage.\n"),
    ])
    func usage(args: [String], message: String) {
        let result = run(args)
        #expect(result.code == 64)
        #expect(result.stderr == message)
    }

    @Test("--help and --version everywhere", arguments: ["build", "report", "metrics", "check", "mustache"])
    func help(command: String) {
        let help = run([command, "--help"])
        #expect(help.code == 0)
        #expect(help.stdout.hasPrefix("Usage: funnelmark \(command)"))
        #expect(run([command, "--version"]).stdout == "funnelmark \(Funnelmark.version)\n")
    }

    @Test("a failed build leaves the previous output exactly as it was")
    func failedBuildKeepsOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        #expect(run(["build", "--data", Self.examples, "--out", out.path, "--quiet"]).code == 0)
        try write("keep me", to: out.appendingPathComponent("extra.txt"))
        let before = try snapshot(out)
        // Bad data.
        let bad = dir.appendingPathComponent("bad")
        try write(#"{"campaigns": [{"id": "x", "status": "sent", "counts": {"sent": -1}}]}"#, to: bad.appendingPathComponent("campaigns.json"))
        #expect(run(["build", "--data", bad.path, "--out", out.path]).code == 65)
        // A broken template.
        let templates = dir.appendingPathComponent("templates")
        try write("{{#campaign}}unclosed", to: templates.appendingPathComponent("campaign.md"))
        #expect(run(["build", "--data", Self.examples, "--out", out.path, "--templates", templates.path]).code == 65)
        #expect(try snapshot(out) == before)
        // No staging folders are left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("an output path that is a file exits 73 and leaves it alone")
    func unwritable() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("file")
        try write("x", to: file)
        let result = run(["build", "--data", Self.examples, "--out", file.path])
        #expect(result.code == 73)
        #expect(result.stderr.hasPrefix("funnelmark: error: \(file.path): exists and is not a folder"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "x")
    }

    @Test("the real binary: exit codes and streams")
    func realBinary() throws {
        let ok = try runBinary(["metrics", "--data", Self.examples])
        #expect(ok.code == 0)
        #expect(ok.stdout.hasPrefix("{\"campaigns\": ["))
        #expect(ok.stderr.isEmpty)
        let missing = try runBinary(["metrics", "--data", "/nonexistent-funnelmark"])
        #expect(missing.code == 66)
        #expect(missing.stderr == "funnelmark: error: /nonexistent-funnelmark: data folder does not exist; expected a folder holding campaigns.json\n")
        let version = try runBinary(["--version"])
        #expect(version.stdout == "funnelmark \(Funnelmark.version)\n")
        // Works from any folder: templates and assets are inside the binary.
        let elsewhere = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let built = try runBinary(["build", "--data", Self.examples, "--out", "site", "--quiet"], cwd: elsewhere)
        #expect(built.code == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("site/index.html").path))
    }
}
