/// Every setting of the insights stage: the thresholds of each rule, the benchmark industry
/// and the history window. Read from `--config FILE` (JSON, docs/INSIGHTS.md); defaults cited there.
public struct InsightConfig: Sendable, Equatable {
    /// The `IndustryBenchmark` id to compare with; nil turns benchmark comparisons off.
    public var benchmarkIndustry: String?
    /// How many previous sent campaigns form the account's history (the most recent ones).
    public var historyWindow: Int
    /// The fewest previous campaigns with a figure needed before comparing with history.
    public var minimumHistory: Int
    /// How many scales from the median a value must be to be unusual.
    public var historyDeviations: Double
    /// Floor on the history scale, in percent of the median.
    public var historyRelativeFloorPercent: Double
    /// Rules turned off with `"enabled": false`.
    public var disabledRules: Set<String>
    /// Thresholds that differ from their defaults: rule id → parameter name → value (in the parameter's unit).
    public private(set) var overrides: [String: [String: Double]]

    public init(benchmarkIndustry: String? = IndustryBenchmark.defaultID,
                historyWindow: Int = Int(InsightConfig.historyWindowSetting.defaultValue),
                minimumHistory: Int = Int(InsightConfig.minimumHistorySetting.defaultValue),
                historyDeviations: Double = InsightConfig.deviationsSetting.defaultValue,
                historyRelativeFloorPercent: Double = InsightConfig.relativeFloorSetting.defaultValue,
                disabledRules: Set<String> = []) {
        self.benchmarkIndustry = benchmarkIndustry
        self.historyWindow = historyWindow
        self.minimumHistory = minimumHistory
        self.historyDeviations = historyDeviations
        self.historyRelativeFloorPercent = historyRelativeFloorPercent
        self.disabledRules = disabledRules
        self.overrides = [:]
    }

    /// Every default, as docs/INSIGHTS.md lists them.
    public static let `default` = InsightConfig()

    /// The benchmark chosen, if any.
    public var benchmark: IndustryBenchmark? { benchmarkIndustry.flatMap(IndustryBenchmark.named) }

    /// Whether the rule with this id runs.
    public func isEnabled(_ ruleID: String) -> Bool { !disabledRules.contains(ruleID) }

    /// The value of a rule's threshold (its default unless overridden), in the threshold's unit; nil for unknown names.
    public func value(rule ruleID: String, threshold name: String) -> Double? {
        if let value = overrides[ruleID]?[name] { return value }
        return InsightRule.named(ruleID)?.threshold(named: name)?.defaultValue
    }

    /// Sets a rule's threshold (in its unit). Setting the default removes the override.
    public mutating func set(_ value: Double, rule ruleID: String, threshold name: String) {
        let defaultValue = InsightRule.named(ruleID)?.threshold(named: name)?.defaultValue
        if value == defaultValue {
            overrides[ruleID]?[name] = nil
            if overrides[ruleID]?.isEmpty == true { overrides[ruleID] = nil }
        } else {
            overrides[ruleID, default: [:]][name] = value
        }
    }

    func value(_ parameter: InsightParameter, rule ruleID: String) -> Double {
        overrides[ruleID]?[parameter.name] ?? parameter.defaultValue
    }

    func isDefault(_ parameter: InsightParameter, rule ruleID: String) -> Bool {
        overrides[ruleID]?[parameter.name] == nil
    }

    // MARK: - History settings

    public static let historyWindowSetting = InsightParameter(
        "window", default: 10, unit: .count, range: 1...1000,
        meaning: "how many of the most recent earlier sent campaigns form the history", origin: "Funnelmark default")
    public static let minimumHistorySetting = InsightParameter(
        "minimum", default: 3, unit: .count, range: 1...1000,
        meaning: "the fewest earlier campaigns with the figure before any comparison is made", origin: "Funnelmark default")
    public static let deviationsSetting = InsightParameter(
        "deviations", default: 3, unit: .number, range: 0.5...100,
        meaning: "how many scales from the median a value must be to count as unusual", origin: "Funnelmark default (a common robust outlier cut-off)")
    public static let relativeFloorSetting = InsightParameter(
        "relative_floor_percent", default: 10, unit: .percent, range: 0...100,
        meaning: "the scale is at least this share of the median, so steady histories do not flag small changes", origin: "Funnelmark default")

    /// The members of the config's `history` object.
    public static let historySettings = [historyWindowSetting, minimumHistorySetting, deviationsSetting, relativeFloorSetting]

    // MARK: - Reading the config file

    /// The top-level members of a config file.
    public static let topLevelKeys = ["benchmark_industry", "history", "rules"]

    /// Reads a config file. A file that is missing or unreadable is `InputError(.missing, path:)`;
    /// anything malformed is `InputError(.invalid, at: file:line:col)`.
    public static func load(path: String) throws(InputError) -> InsightConfig {
        var isDirectory = false
        guard fileExists(path, isDirectory: &isDirectory) else {
            throw InputError(.missing, path: path, "config file does not exist; expected a JSON file of insight settings (docs/INSIGHTS.md)")
        }
        guard !isDirectory else {
            throw InputError(.missing, path: path, "is a folder; expected a JSON file of insight settings (docs/INSIGHTS.md)")
        }
        guard let bytes = readFile(path) else {
            throw InputError(.missing, path: path, "config file cannot be read; expected a readable JSON file of insight settings")
        }
        return try parse(bytes: bytes, file: path)
    }

    /// Parses the text of a config file; `file` names it in errors.
    public static func parse(bytes: [UInt8], file: String) throws(InputError) -> InsightConfig {
        let root = try JSONParser.parse(bytes: bytes, file: file)
        return try ConfigReader(file: file).config(root)
    }
}

// MARK: - Config reader

/// Reads an `InsightConfig` out of parsed JSON, rejecting unknown keys and bad values at their position.
private struct ConfigReader {
    let file: String

    func location(_ position: JSONPosition) -> SourceLocation {
        SourceLocation(file: file, line: position.line, column: position.column)
    }

    func error(at node: JSONNode, _ message: String) -> InputError {
        InputError(.invalid, at: location(node.position), message)
    }

    func describe(_ node: JSONNode) -> String { node.valueForMessage }

    typealias Members = [(key: String, keyPosition: JSONPosition, value: JSONNode)]

    /// The members of an object, each key once and each one of `allowed`.
    func object(_ node: JSONNode, path: String, keyNoun: String, allowed: [String], expected: String) throws(InputError) -> Members {
        guard case let .object(members) = node.value else {
            throw error(at: node, "\(path) is \(describe(node)); expected an object")
        }
        var seen = Set<String>()
        for member in members {
            guard seen.insert(member.key).inserted else {
                throw InputError(.invalid, at: location(member.keyPosition),
                                 "\(keyNoun) \(quoted(member.key)) appears twice in \(path); expected it once")
            }
            guard allowed.contains(member.key) else {
                throw InputError(.invalid, at: location(member.keyPosition),
                                 "unknown \(keyNoun) \(quoted(member.key)) in \(path); expected \(expected)")
            }
        }
        return members
    }

    func config(_ root: JSONNode) throws(InputError) -> InsightConfig {
        let members = try object(root, path: "the config", keyNoun: "key", allowed: InsightConfig.topLevelKeys,
                                 expected: FigureText.list(InsightConfig.topLevelKeys, conjunction: "or") + " (docs/INSIGHTS.md)")
        var config = InsightConfig.default
        for member in members {
            switch member.key {
            case "benchmark_industry":
                config.benchmarkIndustry = try industry(member.value)
            case "history":
                try history(member.value, into: &config)
            default:
                try rules(member.value, into: &config)
            }
        }
        return config
    }

    func industry(_ node: JSONNode) throws(InputError) -> String? {
        let ids = IndustryBenchmark.all.map(\.id)
        switch node.value {
        case .null:
            return nil
        case let .string(id) where ids.contains(id):
            return id
        default:
            throw error(at: node, "benchmark_industry is \(describe(node)); expected null or one of \(ids.joined(separator: ", "))")
        }
    }

    func history(_ node: JSONNode, into config: inout InsightConfig) throws(InputError) {
        let names = InsightConfig.historySettings.map(\.name)
        let members = try object(node, path: "history", keyNoun: "setting", allowed: names, expected: FigureText.list(names, conjunction: "or"))
        var windowNode: JSONNode?
        for member in members {
            guard let setting = InsightConfig.historySettings.first(where: { $0.name == member.key }) else { continue }
            let value = try number(member.value, setting, path: "history.\(setting.name)")
            switch setting.name {
            case InsightConfig.historyWindowSetting.name:
                config.historyWindow = Int(value)
                windowNode = member.value
            case InsightConfig.minimumHistorySetting.name: config.minimumHistory = Int(value)
            case InsightConfig.deviationsSetting.name: config.historyDeviations = value
            default: config.historyRelativeFloorPercent = value
            }
        }
        if config.minimumHistory > config.historyWindow {
            let at = members.first { $0.key == InsightConfig.minimumHistorySetting.name }?.value ?? windowNode ?? node
            throw error(at: at, "history.minimum is \(config.minimumHistory) but history.window is \(config.historyWindow); expected minimum ≤ window")
        }
    }

    func rules(_ node: JSONNode, into config: inout InsightConfig) throws(InputError) {
        let ids = InsightRule.all.map(\.id)
        let members = try object(node, path: "rules", keyNoun: "rule", allowed: ids, expected: "a rule id: " + ids.joined(separator: ", "))
        for member in members {
            guard let rule = InsightRule.named(member.key) else { continue }
            let names = ["enabled"] + rule.thresholds.map(\.name)
            let settings = try object(member.value, path: "rules.\(rule.id)", keyNoun: "setting", allowed: names,
                                      expected: FigureText.list(names, conjunction: "or"))
            for setting in settings {
                if setting.key == "enabled" {
                    guard case let .bool(enabled) = setting.value.value else {
                        throw error(at: setting.value, "rules.\(rule.id).enabled is \(describe(setting.value)); expected true or false")
                    }
                    if enabled { config.disabledRules.remove(rule.id) } else { config.disabledRules.insert(rule.id) }
                    continue
                }
                guard let parameter = rule.threshold(named: setting.key) else { continue }
                let value = try number(setting.value, parameter, path: "rules.\(rule.id).\(parameter.name)")
                config.set(value, rule: rule.id, threshold: parameter.name)
            }
            try checkOrder(rule, settings, config)
        }
    }

    /// A number in the parameter's range (whole for counts).
    func number(_ node: JSONNode, _ parameter: InsightParameter, path: String) throws(InputError) -> Double {
        let range = parameter.range
        let expected: String
        switch parameter.unit {
        case .percent:
            expected = "a percentage from \(FigureText.trimmed(range.lowerBound)) to \(FigureText.trimmed(range.upperBound)), such as \(FigureText.trimmed(parameter.defaultValue)) for \(parameter.defaultText) (default)"
        case .points:
            expected = "a number of percentage points from \(FigureText.trimmed(range.lowerBound)) to \(FigureText.trimmed(range.upperBound)) (default \(FigureText.trimmed(parameter.defaultValue)))"
        case .count:
            expected = "a whole number from \(FigureText.trimmed(range.lowerBound)) to \(FigureText.trimmed(range.upperBound)) (default \(FigureText.trimmed(parameter.defaultValue)))"
        case .number:
            expected = "a number from \(FigureText.trimmed(range.lowerBound)) to \(FigureText.trimmed(range.upperBound)) (default \(FigureText.trimmed(parameter.defaultValue)))"
        }
        guard case let .number(value, text) = node.value, value.isFinite else {
            throw error(at: node, "\(path) is \(describe(node)); expected \(expected)")
        }
        if parameter.unit == .count, value != value.rounded() {
            throw error(at: node, "\(path) is \(text); expected \(expected)")
        }
        guard range.contains(value) else {
            throw error(at: node, "\(path) is \(text); expected \(expected)")
        }
        return value
    }

    /// Escalating thresholds must escalate: a critical level cannot be milder than the warning level.
    func checkOrder(_ rule: InsightRule, _ settings: Members, _ config: InsightConfig) throws(InputError) {
        let levels = rule.thresholds.filter { $0.severity != nil && $0.comparison != nil }
        for (i, milder) in levels.enumerated() {
            for stronger in levels[(i + 1)...] {
                guard let ms = milder.severity, let ss = stronger.severity, ms < ss,
                      let comparison = milder.comparison, let other = stronger.comparison,
                      (comparison == .below) == (other == .below) else { continue }
                let mv = config.value(milder, rule: rule.id), sv = config.value(stronger, rule: rule.id)
                let bad = comparison == .below ? sv > mv : sv < mv
                guard bad else { continue }
                let node = settings.first { $0.key == stronger.name }?.value ?? settings.first { $0.key == milder.name }?.value
                let relation = comparison == .below ? "at most" : "at least"
                let message = "rules.\(rule.id).\(stronger.name) is \(FigureText.trimmed(sv)), milder than \(milder.name) (\(FigureText.trimmed(mv))); expected \(relation) \(FigureText.trimmed(mv))"
                if let node { throw error(at: node, message) }
                throw InputError(.invalid, path: file, message)
            }
        }
    }
}
