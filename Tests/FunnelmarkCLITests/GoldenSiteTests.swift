import Foundation
import Testing
@testable import FunnelmarkCLI

/// The example site, file by file, against reviewed golden copies.
/// Re-record after an intended change with `FUNNELMARK_RECORD=1 swift test --filter GoldenSiteTests`,
/// then review the diff (`git diff Tests/FunnelmarkCLITests/Golden`).
@Suite("golden files of the example site")
struct GoldenSiteTests {
    static let golden = packageRoot.appendingPathComponent("Tests/FunnelmarkCLITests/Golden/examples")

    @Test("every page and export of Examples/ matches its golden copy; none missing, none unexpected")
    func exampleSite() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("site")
        let result = run(["build", "--data", packageRoot.appendingPathComponent("Examples").path, "--out", out.path, "--quiet"])
        #expect(result.code == 0, "\(result.stderr)")
        // The build manifest is internal state for incremental rebuilds (it fingerprints the
        // executable), not site content.
        let built = try snapshot(out).filter { $0.key != ".funnelmark-manifest" }

        if ProcessInfo.processInfo.environment["FUNNELMARK_RECORD"] != nil {
            try? FileManager.default.removeItem(at: Self.golden)
            for (path, data) in built {
                let target = Self.golden.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: target)
            }
            return
        }
        let expected = try snapshot(Self.golden)
        #expect(!expected.isEmpty, "no golden files: record them with FUNNELMARK_RECORD=1")
        let missing = Set(expected.keys).subtracting(built.keys).sorted()
        let unexpected = Set(built.keys).subtracting(expected.keys).sorted()
        #expect(missing.isEmpty, "files the build no longer writes: \(missing)")
        #expect(unexpected.isEmpty, "files the build writes that have no golden copy: \(unexpected)")
        for (path, data) in expected.sorted(by: { $0.key < $1.key }) {
            guard let got = built[path] else { continue }
            if got != data {
                let a = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                let b = String(decoding: got, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
                Issue.record("\(path) differs from its golden copy at line \(line + 1):\n- \(line < a.count ? String(a[line].prefix(200)) : "<end>")\n+ \(line < b.count ? String(b[line].prefix(200)) : "<end>")")
            }
        }
    }
}
