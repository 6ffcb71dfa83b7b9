import CampaignData
import Foundation
import Mustache
import ReportSite

/// One function per subcommand.
enum Commands {
    // MARK: - Shared

    static func config(_ args: Arguments) throws -> InsightConfig {
        guard let path = args.options["--config"] else { return .default }
        return try InsightConfig.load(path: path)
    }

    static func eventOptions(_ args: Arguments) -> EventLoadOptions {
        var options = EventLoadOptions()
        options.skipBadRows = args.flags.contains("--skip-bad-rows")
        return options
    }

    static func loadDataset(_ args: Arguments, command: String, console: Console) throws -> Dataset {
        let data = try args.required("--data", command: command)
        let dataset = try DatasetLoader.load(dataDirectory: data, config: try config(args), eventOptions: eventOptions(args),
                                             computeInsights: command != "build")
        reportSkipped(dataset, console: console)
        return dataset
    }

    static func reportSkipped(_ dataset: Dataset, console: Console) {
        guard dataset.skippedRowCount > 0 else { return }
        console.err("funnelmark: warning: skipped \(dataset.skippedRowCount) bad event row\(dataset.skippedRowCount == 1 ? "" : "s")\n")
        for row in dataset.badRows {
            console.err("  \(row.location): \(row.message)\n")
        }
        if dataset.skippedRowCount > dataset.badRows.count {
            console.err("  … and \(dataset.skippedRowCount - dataset.badRows.count) more\n")
        }
    }

    /// The "generated at" time: SOURCE_DATE_EPOCH when set (reproducible builds), else now.
    static func generatedAt(_ environment: [String: String]) throws -> Timestamp {
        if let text = environment["SOURCE_DATE_EPOCH"] {
            guard let seconds = Int(text), seconds >= 0 else {
                throw UsageError(message: "SOURCE_DATE_EPOCH is \(quotedArg(text)); expected whole seconds since 1970", command: nil)
            }
            return Timestamp(epochSeconds: Double(seconds))
        }
        return Timestamp(epochSeconds: Date().timeIntervalSince1970.rounded(.down))
    }

    // MARK: - build

    static func build(_ raw: [String], console: Console, environment: [String: String]) throws {
        let args = try Arguments(raw, command: "build", options: ["--data", "--out", "--templates", "--config"],
                                 flags: ["--skip-bad-rows", "--quiet", "--full", "--strict-templates"])
        try noPositionals(args, command: "build")
        let quiet = args.flags.contains("--quiet")
        let out = args.options["--out"] ?? "Output"
        let timings = environment["FUNNELMARK_TIMINGS"] != nil
        let started = Date()
        let templates = try templatesDirectory(args)
        let renderer = try PageRenderer(store: TemplateStore(overrideDirectory: templates), strict: args.flags.contains("--strict-templates"))
        let site = SiteWriter.siteInfo(generatedAt: try generatedAt(environment), version: Funnelmark.version)
        var writer = SiteWriter(outputDirectory: out, renderer: renderer, site: site,
                                stampIsInput: environment["SOURCE_DATE_EPOCH"] != nil)
        let full = args.flags.contains("--full")
        if !quiet { writer.waiting = { console.err("Waiting for another build into \(out)/ to finish…\n") } }
        if !full { writer.readPreviousBuild() }
        let dataset = try loadDataset(args, command: "build", console: console)
        if timings { console.err("stage load+insights: \(Int(Date().timeIntervalSince(started) * 1000)) ms\n") }
        let progress = !quiet && console.errIsTerminal ? ProgressLine(console: console, label: "pages") : nil
        if let progress { writer.progress = { progress.update($0, of: $1) } }
        if timings {
            writer.stageTimer = { console.err("stage \($0): \(Int($1 * 1000)) ms\n") }
            writer.meter = StageMeter()
        }
        let summary = try writer.build(dataset, allowIncremental: !full)
        console.keepUntilExit?(dataset)
        for (stage, seconds) in writer.meter?.report ?? [] {
            console.err("cpu \(stage): \(Int(seconds * 1000)) ms (all threads)\n")
        }
        progress?.clear()
        if !quiet {
            let what = summary.incremental
                ? "Updated \(summary.pagesRendered) of \(summary.pagesTotal) campaign pages"
                : "Built \(summary.pagesTotal) campaign pages"
            console.err("\(what), the overview and exports in \(out)/\n")
        }
    }

    static func templatesDirectory(_ args: Arguments) throws -> String? {
        guard let dir = args.options["--templates"] else { return nil }
        var isDirectory = false
        guard fileExists(dir, isDirectory: &isDirectory), isDirectory else {
            throw InputError(.missing, path: dir, "templates folder does not exist; expected a folder of templates overriding the built-ins")
        }
        return dir
    }

    static func noPositionals(_ args: Arguments, command: String) throws(UsageError) {
        if let extra = args.positionals.first {
            throw UsageError(message: "unexpected argument \(quotedArg(extra)) for '\(command)'", command: command)
        }
    }

    // MARK: - metrics

    static func metrics(_ raw: [String], console: Console) throws {
        let args = try Arguments(raw, command: "metrics", options: ["--data", "--format", "--config"], flags: ["--skip-bad-rows"])
        try noPositionals(args, command: "metrics")
        let format = args.options["--format"] ?? "json"
        guard format == "json" || format == "csv" else {
            throw UsageError(message: "--format is \(quotedArg(format)); expected json or csv", command: "metrics")
        }
        let dataset = try loadDataset(args, command: "metrics", console: console)
        console.out(format == "json" ? MetricsExport.json(dataset.reports) : MetricsExport.csv(dataset.reports))
    }

    // MARK: - check

    static func check(_ raw: [String], console: Console) throws {
        let args = try Arguments(raw, command: "check", options: ["--data", "--config"], flags: [])
        try noPositionals(args, command: "check")
        let data = try args.required("--data", command: "check")
        let campaigns = try CampaignLoader.load(dataDirectory: data)
        var sentAt: [String: Timestamp?] = [:]
        for c in campaigns { sentAt[c.id] = c.sentAt }
        var options = EventLoadOptions()
        options.skipBadRows = true
        options.maxReportedBadRows = 50
        let events = try EventLoader.load(dataDirectory: data, campaigns: sentAt, options: options)
        let findings = DataCheck.findings(campaigns: campaigns, events: events)
        for f in findings { console.out("\(f.severity): \(f.location): \(f.message)\n") }
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        console.out("\(campaigns.count) campaigns, \(events.files.count) event file\(events.files.count == 1 ? "" : "s"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n")
        if errors > 0 {
            throw InputError(.invalid, path: data, "\(errors) problem\(errors == 1 ? "" : "s") found; fix them before building")
        }
    }

    // MARK: - mustache

    static func mustache(_ raw: [String], console: Console) throws {
        let args = try Arguments(raw, command: "mustache", options: ["--context", "--partials"], flags: [])
        guard args.positionals.count == 1, let templatePath = args.positionals.first else {
            throw UsageError(message: "'mustache' needs one TEMPLATE file", command: "mustache")
        }
        let contextPath = try args.required("--context", command: "mustache")
        guard let templateBytes = readFile(templatePath) else {
            throw InputError(.missing, path: templatePath, "template file does not exist or cannot be read")
        }
        guard let source = String(validating: templateBytes, as: UTF8.self) else {
            throw InputError(.invalid, path: templatePath, "template is not valid UTF-8 text")
        }
        guard let contextBytes = readFile(contextPath) else {
            throw InputError(.missing, path: contextPath, "context file does not exist or cannot be read")
        }
        let node = try JSONParser.parse(bytes: contextBytes, file: contextPath)
        var partials: PartialResolver = DictionaryPartials([:])
        if let dir = args.options["--partials"] {
            var isDirectory = false
            guard fileExists(dir, isDirectory: &isDirectory), isDirectory else {
                throw InputError(.missing, path: dir, "partials folder does not exist")
            }
            partials = DirectoryPartials(directory: dir)
        }
        let template = try Template(source: source, name: templatePath)
        console.out(try template.render(mustacheValue(node), partials: partials, options: .html))
    }

    /// JSON to a Mustache context: integers stay integers.
    static func mustacheValue(_ node: JSONNode) -> MustacheValue {
        switch node.value {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .number(value, text):
            if !text.contains("."), !text.contains("e"), !text.contains("E"), let i = Int(text) { return .int(i) }
            return .double(value)
        case let .string(s): return .string(s)
        case let .array(items): return .array(items.map(mustacheValue))
        case let .object(members):
            var object = MustacheObject()
            for m in members where object[m.key] == nil { object[m.key] = mustacheValue(m.value) }
            return .object(object)
        }
    }
}
