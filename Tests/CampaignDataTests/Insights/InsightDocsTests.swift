import Testing
@testable import CampaignData

/// docs/INSIGHTS.md must describe every rule, threshold and setting the code has.
@Suite("Insight docs")
struct InsightDocsTests {
    /// The package root, from this file's path (Tests/CampaignDataTests/Insights/…).
    static var packageRoot: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }

    static func docs() throws -> String {
        let path = packageRoot + "/docs/INSIGHTS.md"
        let bytes = try #require(readFile(path), "cannot read \(path)")
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("every rule id in InsightRule.all is documented", arguments: InsightRule.all.map(\.id))
    func ruleDocumented(id: String) throws {
        #expect(try Self.docs().contains("`\(id)`"))
    }

    @Test("every threshold is documented with its default")
    func thresholdsDocumented() throws {
        let docs = try Self.docs()
        for rule in InsightRule.all {
            for threshold in rule.thresholds {
                #expect(docs.contains("`\(threshold.name)`"), "\(rule.id).\(threshold.name)")
                #expect(docs.contains("\"\(threshold.name)\": \(FigureText.trimmed(threshold.defaultValue))"),
                        "\(rule.id).\(threshold.name) default missing from the default config block")
            }
        }
        for setting in InsightConfig.historySettings {
            #expect(docs.contains("`\(setting.name)`"), "history.\(setting.name)")
        }
    }

    @Test("every benchmark industry is documented with its figures")
    func industriesDocumented() throws {
        let docs = try Self.docs()
        for industry in IndustryBenchmark.all {
            #expect(docs.contains("`\(industry.id)`"), "\(industry.id)")
            #expect(docs.contains(IndustryBenchmark.published(industry.openPercent)), "\(industry.id) open")
            #expect(docs.contains(IndustryBenchmark.published(industry.clickPercent)), "\(industry.id) click")
        }
        #expect(docs.contains(IndustryBenchmark.dataAsOf))
    }

    @Test("the documented default config parses to the default")
    func defaultBlock() throws {
        let docs = try Self.docs()
        let marker = "<!-- default-config -->"
        let start = try #require(docs.range(of: marker), "docs lack \(marker)")
        let rest = docs[start.upperBound...]
        let open = try #require(rest.range(of: "```json\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        let block = String(rest[open.upperBound..<close.lowerBound])
        #expect(try InsightConfig.parse(bytes: Array(block.utf8), file: "docs/INSIGHTS.md") == .default)
    }
}
