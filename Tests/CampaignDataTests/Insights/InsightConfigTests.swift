import Foundation
import Testing
@testable import CampaignData

@Suite("Insight config file")
struct InsightConfigTests {
    func parse(_ text: String) throws(InputError) -> InsightConfig {
        try InsightConfig.parse(bytes: Array(text.utf8), file: "insights.json")
    }

    /// The error parsing `text` gives, with its location and message.
    func failure(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> InputError? {
        do {
            _ = try parse(text)
            Issue.record("expected \(text) to be rejected", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.kind == .invalid, sourceLocation: sourceLocation)
            return error
        }
    }

    /// The 1-based column, in characters, where `needle` starts in `line` (JSONPosition's convention).
    func column(of needle: String, in line: String) -> Int {
        guard let range = line.range(of: needle) else { return -1 }
        return line.distance(from: line.startIndex, to: range.lowerBound) + 1
    }

    @Test("an empty object is the default config")
    func empty() throws {
        #expect(try parse("{}") == .default)
        #expect(try parse(#"{"history": {}, "rules": {}}"#) == .default)
    }

    @Test("defaults as documented")
    func defaults() {
        let config = InsightConfig.default
        #expect(config.benchmarkIndustry == "all-industries")
        #expect(config.historyWindow == 10)
        #expect(config.minimumHistory == 3)
        #expect(config.historyDeviations == 3)
        #expect(config.historyRelativeFloorPercent == 10)
        #expect(config.disabledRules.isEmpty)
        #expect(config.value(rule: "high-unsubscribe-rate", threshold: "warning_above_percent") == 0.5)
        #expect(config.value(rule: "high-unsubscribe-rate", threshold: "critical_above_percent") == 1)
        #expect(config.value(rule: "spam-complaints", threshold: "warning_at_or_above_percent") == 0.1)
        #expect(config.value(rule: "spam-complaints", threshold: "critical_at_or_above_percent") == 0.3)
        #expect(config.value(rule: "high-bounce-rate", threshold: "warning_above_percent") == 2)
        #expect(config.value(rule: "high-bounce-rate", threshold: "critical_above_percent") == 5)
        #expect(config.value(rule: "low-delivery-rate", threshold: "warning_below_percent") == 95)
        #expect(config.value(rule: "high-unsubscribe-rate", threshold: "nope") == nil)
    }

    @Test("every setting is read")
    func full() throws {
        let config = try parse("""
        {
          "benchmark_industry": "e-commerce",
          "history": {"window": 6, "minimum": 4, "deviations": 2.5, "relative_floor_percent": 20},
          "rules": {
            "high-unsubscribe-rate": {"warning_above_percent": 0.3, "critical_above_percent": 0.8},
            "missing-utm": {"enabled": false},
            "unusual-click-rate": {"scale_floor_points": 0.5}
          }
        }
        """)
        #expect(config.benchmarkIndustry == "e-commerce")
        #expect(config.benchmark?.openPercent == 15.68)
        #expect(config.historyWindow == 6)
        #expect(config.minimumHistory == 4)
        #expect(config.historyDeviations == 2.5)
        #expect(config.historyRelativeFloorPercent == 20)
        #expect(config.value(rule: "high-unsubscribe-rate", threshold: "warning_above_percent") == 0.3)
        #expect(config.value(rule: "high-unsubscribe-rate", threshold: "critical_above_percent") == 0.8)
        #expect(config.value(rule: "unusual-click-rate", threshold: "scale_floor_points") == 0.5)
        #expect(!config.isEnabled("missing-utm"))
        #expect(config.isEnabled("summary"))
    }

    @Test("null benchmark turns benchmark comparisons off")
    func noBenchmark() throws {
        let config = try parse(#"{"benchmark_industry": null}"#)
        #expect(config.benchmark == nil)
        let list = insights(insightInput(counts: healthyCounts()), config: config)
        #expect(insight("open-rate-vs-benchmark", in: list) == nil)
        #expect(insight("click-rate-vs-benchmark", in: list) == nil)
        #expect(insight("summary", in: list) != nil)
    }

    @Test("a disabled rule produces nothing")
    func disabled() throws {
        let config = try parse(#"{"rules": {"high-unsubscribe-rate": {"enabled": false}}}"#)
        var counts = healthyCounts()
        counts.unsubscribed = 500
        #expect(severity("high-unsubscribe-rate", insightInput(counts: counts), config: config) == nil)
        #expect(severity("high-unsubscribe-rate", insightInput(counts: counts)) == .critical)
    }

    @Test("writing a default explicitly gives the default config")
    func explicitDefault() throws {
        #expect(try parse(#"{"rules": {"high-bounce-rate": {"warning_above_percent": 2}}, "benchmark_industry": "all-industries"}"#) == .default)
    }

    // MARK: - Rejections, each with file:line:col, the value and what was expected

    @Test("unknown top-level key")
    func unknownKey() {
        let error = failure("{\n  \"benchmark\": \"retail\"\n}")
        #expect(error?.location == CampaignData.SourceLocation(file: "insights.json", line: 2, column: 3))
        #expect(error?.message == "unknown key \"benchmark\" in the config; expected benchmark_industry, history or rules (docs/INSIGHTS.md)")
    }

    @Test("unknown rule id")
    func unknownRule() {
        let text = #"{"rules": {"high-unsub": {}}}"#
        let error = failure(text)
        #expect(error?.location?.column == column(of: #""high-unsub""#, in: text))
        #expect(error?.message.hasPrefix("unknown rule \"high-unsub\" in rules; expected a rule id: summary, ") == true)
    }

    @Test("unknown setting of a rule")
    func unknownSetting() {
        let error = failure(#"{"rules": {"high-unsubscribe-rate": {"warning": 1}}}"#)
        #expect(error?.message == "unknown setting \"warning\" in rules.high-unsubscribe-rate; expected enabled, warning_above_percent or critical_above_percent")
    }

    @Test("bad values", arguments: [
        (#"{"rules": {"high-bounce-rate": {"warning_above_percent": "2"}}}"#, "rules.high-bounce-rate.warning_above_percent is \"2\"; expected a percentage from 0 to 100, such as 2 for 2% (default)"),
        (#"{"rules": {"high-bounce-rate": {"warning_above_percent": -1}}}"#, "rules.high-bounce-rate.warning_above_percent is -1; expected a percentage from 0 to 100, such as 2 for 2% (default)"),
        (#"{"rules": {"high-bounce-rate": {"critical_above_percent": 150}}}"#, "rules.high-bounce-rate.critical_above_percent is 150; expected a percentage from 0 to 100, such as 5 for 5% (default)"),
        (#"{"rules": {"link-concentration": {"minimum_clicks": 2.5}}}"#, "rules.link-concentration.minimum_clicks is 2.5; expected a whole number from 0 to 1000000 (default 20)"),
        (#"{"rules": {"summary": {"enabled": "no"}}}"#, "rules.summary.enabled is \"no\"; expected true or false"),
        (#"{"history": {"window": 0}}"#, "history.window is 0; expected a whole number from 1 to 1000 (default 10)"),
        (#"{"history": {"deviations": null}}"#, "history.deviations is null; expected a number from 0.5 to 100 (default 3)"),
        (#"{"rules": {"unusual-open-rate": {"scale_floor_points": 0}}}"#, "rules.unusual-open-rate.scale_floor_points is 0; expected a number of percentage points from 0.001 to 100 (default 1)"),
        (#"{"benchmark_industry": "ecommerce"}"#, "benchmark_industry is \"ecommerce\"; expected null or one of all-industries, non-labeled, business-and-finance, computers-and-electronics, e-commerce, education-and-training, health-and-fitness, hobbies, marketing-and-advertising, media-and-publishing, nonprofit, restaurant, retail, software-and-web-app, travel-and-transportation"),
        (#"{"rules": []}"#, "rules is an array; expected an object"),
        (#"[]"#, "the config is an array; expected an object"),
    ])
    func badValue(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }

    @Test("the error points at the offending value")
    func position() {
        let line3 = #"    "high-bounce-rate": {"warning_above_percent": true}"#
        let error = failure("{\n  \"rules\": {\n\(line3)\n  }\n}")
        let col = column(of: "true", in: line3)
        #expect(col == 51)
        #expect(error?.location == CampaignData.SourceLocation(file: "insights.json", line: 3, column: col))
        #expect(error?.description.hasPrefix("insights.json:3:\(col): rules.high-bounce-rate.warning_above_percent is true;") == true)
    }

    @Test("a critical level milder than the warning level is rejected")
    func order() {
        let error = failure(#"{"rules": {"high-unsubscribe-rate": {"warning_above_percent": 0.8, "critical_above_percent": 0.6}}}"#)
        #expect(error?.message == "rules.high-unsubscribe-rate.critical_above_percent is 0.6, milder than warning_above_percent (0.8); expected at least 0.8")
        // Raising only the warning above the default critical level is caught too, at the warning.
        let text = #"{"rules": {"high-bounce-rate": {"warning_above_percent": 6}}}"#
        let raised = failure(text)
        #expect(raised?.message == "rules.high-bounce-rate.critical_above_percent is 5, milder than warning_above_percent (6); expected at least 6")
        #expect(raised?.location?.column == column(of: "6}", in: text))
    }

    @Test("history minimum above the window is rejected")
    func minimumAboveWindow() {
        #expect(failure(#"{"history": {"window": 2}}"#)?.message == "history.minimum is 3 but history.window is 2; expected minimum ≤ window")
    }

    @Test("duplicate keys and malformed JSON are rejected")
    func syntax() {
        #expect(failure(#"{"history": {"window": 5, "window": 6}}"#)?.message == "setting \"window\" appears twice in history; expected it once")
        #expect(failure("{\"history\": }")?.message.hasPrefix("invalid JSON: ") == true)
    }

    // MARK: - Files

    @Test("a missing config file is .missing with its path")
    func missingFile() {
        do {
            _ = try InsightConfig.load(path: "/nonexistent/funnelmark-insights.json")
            Issue.record("expected a missing-file error")
        } catch {
            #expect(error.kind == .missing)
            #expect(error.path == "/nonexistent/funnelmark-insights.json")
            #expect(error.location == nil)
        }
    }

    @Test("a folder is not a config file")
    func folder() {
        do {
            _ = try InsightConfig.load(path: NSTemporaryDirectory())
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .missing)
        }
    }

    @Test("a config file on disk is read, and its errors name the file")
    func fileOnDisk() throws {
        let folder = NSTemporaryDirectory() + "funnelmark-insights-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = folder + "/good.json"
        try Data(#"{"benchmark_industry": "retail"}"#.utf8).write(to: URL(fileURLWithPath: good))
        #expect(try InsightConfig.load(path: good).benchmarkIndustry == "retail")
        let bad = folder + "/bad.json"
        try Data("{\"rules\": {\"nope\": {}}}".utf8).write(to: URL(fileURLWithPath: bad))
        do {
            _ = try InsightConfig.load(path: bad)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.location?.file == bad)
        }
    }
}
