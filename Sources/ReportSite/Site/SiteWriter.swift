import CampaignData
import Dispatch
import Foundation
import Mustache
#if canImport(Glibc)
import Glibc
#endif

/// A failure to write the output (exit 73).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// What a build wrote.
public struct BuildSummary: Sendable {
    public var outputDirectory: String
    /// Campaign pages rendered in this build (all of them for a full build).
    public var pagesRendered: Int
    public var pagesTotal: Int
    /// Whether the build reused the previous output (only changed pages rewritten).
    public var incremental: Bool
}

/// Receives progress while pages render: (pages done, pages to do).
public typealias BuildProgress = @Sendable (Int, Int) -> Void

/// Stage "write": renders pages on every core, each worker writing the pages it renders
/// (creating files in one folder from two threads measured 1.7x faster than from one here).
///
/// A full build goes into a folder beside the destination that is swapped
/// in when complete, so a failed build leaves the previous output as it was.
/// When the output holds a manifest from an earlier build with the same
/// templates, assets and version, only pages whose inputs changed are
/// rendered, staged, and then moved into place, with the overview and the
/// exports (they summarise every campaign).
public struct SiteWriter: Sendable {
    public var outputDirectory: String
    public var renderer: PageRenderer
    public var site: SiteInfo
    /// Whether the generated-at stamp is an input (SOURCE_DATE_EPOCH): then a
    /// new stamp changes every page; otherwise unchanged pages keep theirs.
    public var stampIsInput: Bool
    public var progress: BuildProgress?
    /// Receives each stage's name and duration in seconds (for FUNNELMARK_TIMINGS).
    public var stageTimer: (@Sendable (String, Double) -> Void)?
    /// Sums the CPU time of the per-campaign work by stage (for FUNNELMARK_TIMINGS).
    public var meter: StageMeter?
    /// Called once if another build holds the output folder, before this one waits for it
    /// (`FolderLock`); set it before `readPreviousBuild()`.
    public var waiting: (@Sendable () -> Void)?
    /// The output folder's lock and the previous build's manifest, being taken and read while
    /// the data loads (`readPreviousBuild()`).
    private var previousRead: BackgroundTask<(lock: FolderLock?, build: PreviousBuild?)>?

    /// Built-in assets, by their name under Assets/.
    public static let assetNames = ["style.css", "favicon.svg"]
    static let manifestPath = ".funnelmark-manifest"
    static let manifestVersion = "funnelmark-manifest 5"

    public init(outputDirectory: String, renderer: PageRenderer, site: SiteInfo, stampIsInput: Bool = true, progress: BuildProgress? = nil) {
        self.outputDirectory = outputDirectory
        self.renderer = renderer
        self.site = site
        // Campaign pages' contexts hold only what this build's templates can read.
        self.site.campaignPageKeys = renderer.campaignPageKeys()
        self.stampIsInput = stampIsInput
        self.progress = progress
    }

    /// Content-hashed asset paths relative to the site root ("assets/style.1a2b3c4d.css").
    public static func hashedAssets() -> [(name: String, path: String, text: String)] {
        assetNames.compactMap { name in
            guard let text = TemplateStore.asset(name) else { return nil }
            return (name, "assets/" + hashedName(name, text: text), text)
        }
    }

    /// `style.css` with text T → `style.<8 hex of T's hash>.css`.
    public static func hashedName(_ name: String, text: String) -> String {
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        return "\(name[..<dot]).\(Slugs.shortHash(text))\(name[dot...])"
    }

    public static func siteInfo(title: String = "Funnelmark", generatedAt: Timestamp, version: String) -> SiteInfo {
        let assets = hashedAssets()
        let path = { (name: String) in assets.first { $0.name == name }?.path ?? "assets/\(name)" }
        return SiteInfo(title: title, generatedAt: generatedAt, stylesheet: path("style.css"), favicon: path("favicon.svg"), version: version)
    }

    // MARK: - Build

    public func build(_ dataset: Dataset, allowIncremental: Bool = true) throws -> BuildSummary {
        let fm = FileManager.default
        let out = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        let parent = out.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(out.lastPathComponent).building-\(pid)")

        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: out.path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw OutputError(path: out.path, message: "exists and is not a folder; expected a folder to write the site into")
        }

        var clock = StageClock(report: stageTimer)
        let reports = dataset.reports
        let slugs = Slugs.assign(reports.map(\.campaign.id))
        let siteKey = siteFingerprint(config: dataset.insightEvaluator.config)
        // The output folder is locked from the reading of the previous build to the end (see
        // `FolderLock`); the previous build is read under the lock.
        var lock: FolderLock?
        var read: PreviousBuild?
        if let previousRead, let done = try? previousRead.wait() {
            (lock, read) = done
        } else if exists {
            lock = FolderLock(out.path, waiting: waiting)
            read = allowIncremental ? readManifest(in: out.path) : nil
        }
        defer { withExtendedLifetime(lock) {} }
        let previousBuild = allowIncremental && read?.siteKey == siteKey ? read : nil
        let matched = previousBuild?.match(slugs)
        let previous = matched?.entries

        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging.appendingPathComponent("campaigns"), withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: outputDirectory, message: "cannot create the output folder: \(error.localizedDescription)")
        }

        // The overview needs no campaign page: it is made while the campaign pass runs, and in a
        // full build so are the month pages (an incremental one renders only the months whose
        // campaigns changed, known after the pass).
        let overview = BackgroundTask { [renderer, site] () throws -> [PageContext.MonthGroup] in
            let order = PageContext.overviewOrder(reports)
            let months = reports.count > PageContext.overviewLimit ? PageContext.months(reports, order: order) : []
            let index = try renderer.index(PageContext.overview(reports, slugs: slugs, site: site, order: order, months: months))
            try writeFile(index, to: staging.path + "/index.html")
            if previous == nil, !months.isEmpty {
                try FileManager.default.createDirectory(atPath: staging.path + "/months", withIntermediateDirectories: true)
                for p in months.indices {
                    let html = try renderer.month(PageContext.month(months, at: p, reports: reports, slugs: slugs, site: site))
                    try writeFile(html, to: staging.path + "/" + months[p].fileName)
                }
            }
            return months
        }
        do {
            if previous == nil {
                try fm.createDirectory(at: staging.appendingPathComponent("assets"), withIntermediateDirectories: true)
                for asset in Self.hashedAssets() { try writeFile(asset.text, to: staging.path + "/" + asset.path) }
            }
            let pass = try campaignPass(dataset, slugs: slugs, siteKey: siteKey, previous: previous,
                                        previousExports: previousBuild?.exports ?? [:], previousDirectory: out.path,
                                        into: staging.path)
            clock.lap("campaigns")
            let months = try overview.wait()
            let monthKeys = months.indices.map { monthFingerprint(months, at: $0, slugs: slugs, entries: pass.entries, siteKey: siteKey) }
            // A month page whose campaigns all kept their fingerprints is kept too, if it is
            // still there (one listing of the folder, not a path lookup per month).
            let monthFiles = previousBuild == nil ? [] : fileNames(in: out.path + "/months", expecting: months.count) ?? []
            let changedMonths = months.indices.filter { p in
                guard let old = previousBuild?.months[months[p].fileName], old == monthKeys[p] else { return true }
                return !monthFiles.contains(months[p].key + ".html")
            }
            if previous != nil, !changedMonths.isEmpty {
                try FileManager.default.createDirectory(atPath: staging.path + "/months", withIntermediateDirectories: true)
                let pages = try parallelMapThrowing(changedMonths.count) { [renderer, site] k in
                    try renderer.month(PageContext.month(months, at: changedMonths[k], reports: reports, slugs: slugs, site: site))
                }
                for (k, html) in pages.enumerated() { try writeFile(html, to: staging.path + "/" + months[changedMonths[k]].fileName) }
            }
            let monthEntries = Dictionary(uniqueKeysWithValues: months.indices.map { (months[$0].fileName, monthKeys[$0]) })
            try writeFile(manifest(slugs: slugs, entries: pass.entries, months: monthEntries, siteKey: siteKey),
                          to: staging.path + "/" + Self.manifestPath)
            clock.lap("overview")
            // The exports were being written while the overview rendered.
            try pass.finish()
            clock.lap("exports")

            if previous != nil {
                // An export kept as pieces is updated in place if its previous file allows it
                // (the room it needs is taken now) and the folder is locked against other
                // builds; otherwise it is written beside the pages.
                var edits: [(name: String, edit: InPlaceEdit)] = []
                for (export, name) in zip(pass.exports, Self.exportNames) {
                    guard let pieces = export.plan, let old = export.previousFile else { continue }
                    if lock != nil, let edit = InPlaceEdit(out.path + "/" + name, pieces: pieces, old: old) {
                        edits.append((name, edit))
                    } else {
                        try export.writeStaged()
                    }
                }
                clock.lap("exports in place")
                try commitIncremental(staging: staging, into: out, rendered: pass.rendered.map { slugs[$0] },
                                      removed: matched?.removed ?? [], months: months.map(\.fileName),
                                      renderedMonths: changedMonths.map { months[$0].fileName }, edits: edits)
                // The previous exports are closed on another thread while this one returns: the
                // last close of one that was replaced (not updated in place) frees its blocks,
                // which waits for the disk where the file system discards them (15-18 ms for a
                // 52 MB metrics.json here). A process ends only once every thread is done, so the
                // command still returns with the work complete.
                let replaced = pass.exports.compactMap(\.previousFile)
                DispatchQueue.global(qos: .userInitiated).async { for file in replaced { file.release() } }
            } else {
                try swap(staging: staging, into: out, exists: exists, pid: pid)
            }
            clock.lap("swap")
            return BuildSummary(outputDirectory: outputDirectory, pagesRendered: pass.rendered.count, pagesTotal: reports.count,
                                incremental: previous != nil)
        } catch {
            _ = try? overview.wait()
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Starts reading the previous build's manifest in the output folder (and checking that its
    /// pages are there) on another thread, so that it is ready when `build` needs it; call it
    /// before loading the data. `build` reads it itself otherwise.
    ///
    /// The previous exports are mapped then too, every page at once: an incremental build reads
    /// each campaign's spans in them (10,000 campaigns' first reads were a page fault each, on
    /// the build's critical path). The output folder is locked first (`FolderLock`): a build
    /// into it still running is waited for.
    public mutating func readPreviousBuild() {
        let directory = URL(fileURLWithPath: outputDirectory).standardizedFileURL.path
        previousRead = BackgroundTask { [self] in
            let lock = FolderLock(directory, waiting: waiting)
            guard lock != nil, var build = readManifest(in: directory) else { return (lock, nil) }
            for name in Self.exportNames {
                if let file = MappedFile(directory + "/" + name, populate: true) { build.exports[name] = file }
            }
            return (lock, build)
        }
    }

    /// How many copies of the pages' shared context parts a build makes, and how many
    /// consecutive campaigns take the same copy (`parallelMap`'s runs are as long).
    static let sharedCopies = 8, sharedRun = 32

    /// The exports every build writes.
    static let exportNames = ["metrics.json", "metrics.csv", "links.csv"]

    // MARK: - The campaign pass

    /// One pass over the campaigns in ordered batches, on every core. A campaign whose
    /// fingerprint matches the previous build's keeps its page, and its metrics.json object and
    /// metrics.csv row are copied from the previous files; any other campaign's insights are
    /// computed once and feed its object, its row and its page. Memory stays bounded by a batch,
    /// however many campaigns there are; each page is written as soon as it is rendered.
    ///
    /// - Parameters:
    ///   - previous: for an incremental build, each campaign's entry in the previous build's
    ///     manifest (nil for a campaign it did not have).
    ///   - previousExports: the previous exports, if mapped already (the others are mapped here).
    func campaignPass(_ dataset: Dataset, slugs: [String], siteKey: String, previous: [ManifestEntry?]?,
                      previousExports: [String: MappedFile] = [:], previousDirectory: String,
                      into root: String) throws -> CampaignPass {
        let count = dataset.reports.count

        func old(_ name: String) -> MappedFile? {
            previous == nil ? nil : previousExports[name] ?? MappedFile(previousDirectory + "/" + name)
        }
        let oldJSON = old("metrics.json"), oldCSV = old("metrics.csv"), oldLinks = old("links.csv")
        let recycle = previous != nil && ExportWriter.recycles
        // The previous exports, unretained: both cores check spans in them for every campaign, and
        // retaining the same three objects each time made them contend for the counts (the
        // writers below hold them for the whole pass).
        let oldFiles: OldExports? = if let oldJSON, let oldCSV, let oldLinks {
            OldExports(json: .passUnretained(oldJSON), csv: .passUnretained(oldCSV), links: .passUnretained(oldLinks))
        } else {
            nil
        }
        // An incremental build's exports are kept as pieces, to update the previous files in
        // place when it commits (`InPlaceEdit`).
        let deferred = previous != nil
        let json = try ExportWriter(root + "/metrics.json", old: oldJSON, recycle: recycle, deferred: deferred)
        let csv = try ExportWriter(root + "/metrics.csv", old: oldCSV, recycle: recycle, deferred: deferred)
        let linksCSV = try ExportWriter(root + "/links.csv", old: oldLinks, recycle: recycle, deferred: deferred)
        try json.append("{\"campaigns\": [")
        try csv.append(MetricsExport.csvHeader)
        try linksCSV.append(MetricsExport.linksCSVHeader)
        var entries: [ManifestEntry] = []
        entries.reserveCapacity(count)
        var rendered: [Int] = []
        let renderer = self.renderer
        let pages = try OpenDirectory(root + "/campaigns")
        // The parts every page's context shares, in a few copies taken by runs of campaigns in
        // turn: the two workers render neighbouring runs, so they hold different copies, and do
        // not retain and release the same objects (the site's fields, the rate definitions) for
        // every page, which made them contend for those objects' reference counts.
        let sharedCopies = (0..<Self.sharedCopies).map { [site = self.site] _ in PageContext.CampaignShared(site: site, root: "../") }
        /// A campaign's part of each export: made now, or the previous build's (by range).
        enum Part: Sendable {
            case made(json: [UInt8], csv: [UInt8], links: [UInt8])
            case kept(ManifestEntry)
        }
        var site = Fingerprint()
        site.add(siteKey)
        let reports = dataset.reports, evaluator = dataset.insightEvaluator
        let meter = self.meter
        /// Campaign `i`'s fingerprint, and its previous entry when that can be kept.
        let decide = { @Sendable [site] (i: Int) -> (key: UInt64, kept: ManifestEntry?) in
            // Read in place: a copy of the report (its strings and arrays retained and released)
            // cost more than the fingerprint.
            reports.withUnsafeBufferPointer { reports in
                let key = metered(meter, "fingerprints") {
                    pageFingerprint(reports[i], history: evaluator.historyHash(at: i), slug: slugs[i], site: site)
                }
                if let previous, let old = previous[i], old.key == key, let oldFiles,
                   oldFiles.hold(old, id: reports[i].campaign.id) {
                    return (key, old)
                }
                return (key, nil)
            }
        }
        /// Renders campaign `i`: writes its page and returns its part of each export.
        let render = { @Sendable (i: Int) throws -> Part in
            let report = metered(meter, "insights") { dataset.report(at: i) }
            let shared = sharedCopies[i / Self.sharedRun % Self.sharedCopies]
            let context = metered(meter, "page context") { PageContext.campaign(report, slug: slugs[i], shared: shared) }
            let html = try renderer.campaignBytes(context, meter: meter)
            try metered(meter, "write pages") { try html.withBytes { try pages.write($0, name: slugs[i] + ".html") } }
            return metered(meter, "exports") {
                .made(json: MetricsExport.campaignJSONBytes(report), csv: MetricsExport.csvRowBytes(report),
                      links: MetricsExport.linksCSVRowsBytes(report))
            }
        }
        /// Appends campaign `i`'s part to each export, in campaign order, and notes where it went.
        func append(_ i: Int, _ part: Part, key: UInt64) throws {
            try json.append(i == 0 ? "\n" : ",\n")
            let jsonAt = json.position, csvAt = csv.position, linksAt = linksCSV.position
            switch part {
            case let .made(object, row, links):
                try object.withUnsafeBufferPointer { try json.append(bytes: $0) }
                try row.withUnsafeBufferPointer { try csv.append(bytes: $0) }
                try links.withUnsafeBufferPointer { try linksCSV.append(bytes: $0) }
                rendered.append(i)
            case let .kept(old):
                try json.appendOld(old.json)
                try csv.appendOld(old.csv)
                try linksCSV.appendOld(old.links)
            }
            entries.append(ManifestEntry(key: key, json: jsonAt..<json.position, csv: csvAt..<csv.position,
                                         links: linksAt..<linksCSV.position))
        }
        // Batches of campaigns to render are rendered on every core while this thread writes the
        // exports of the batch before: at most two batches' results are held at once.
        let batchSize = 512
        if previous == nil {
            // A full build: every campaign is rendered, in batches.
            let batches = stride(from: 0, to: count, by: batchSize).map { $0..<min(count, $0 + batchSize) }
            let renderBatch = { @Sendable (batch: Range<Int>) throws -> [(part: Part, key: UInt64)] in
                try parallelMapThrowing(batch.count) { k in
                    let i = batch.lowerBound + k
                    return (try render(i), decide(i).key)
                }
            }
            var ahead = batches.first.map { first in BackgroundTask { try renderBatch(first) } }
            defer { _ = try? ahead?.wait() }
            for (b, batch) in batches.enumerated() {
                let results = try ahead!.wait()
                ahead = b + 1 < batches.count ? BackgroundTask { [batch = batches[b + 1]] in try renderBatch(batch) } : nil
                for (k, r) in results.enumerated() { try append(batch.lowerBound + k, r.part, key: r.key) }
                progress?(batch.upperBound, count)
            }
        } else {
            // An incremental build decides first which campaigns keep their page (fingerprints on
            // every core), so the unchanged exports' long runs are copied from the start while the
            // changed campaigns render; each run is queued as soon as the campaign after it is known.
            let decisions = parallelMap(count) { decide($0) }
            let changed = decisions.indices.filter { decisions[$0].kept == nil }
            let batches = stride(from: 0, to: changed.count, by: batchSize).map { changed[$0..<min(changed.count, $0 + batchSize)] }
            let renderBatch = { @Sendable (batch: ArraySlice<Int>) throws -> [Part] in
                try parallelMapThrowing(batch.count) { k in try render(batch[batch.startIndex + k]) }
            }
            var ahead = batches.first.map { first in BackgroundTask { try renderBatch(first) } }
            defer { _ = try? ahead?.wait() }
            var b = 0, results: [Part] = [], next = 0
            for i in 0..<count {
                if let old = decisions[i].kept {
                    try append(i, .kept(old), key: decisions[i].key)
                    continue
                }
                if next == results.count {
                    results = try ahead!.wait()
                    b += 1
                    ahead = b < batches.count ? BackgroundTask { [batch = batches[b]] in try renderBatch(batch) } : nil
                    next = 0
                    progress?(min(changed.count, b * batchSize), changed.count)
                }
                try append(i, results[next], key: decisions[i].key)
                next += 1
            }
        }
        try json.append(count == 0 ? "]}\n" : "\n]}\n")
        return CampaignPass(entries: entries, rendered: rendered, exports: [json, csv, linksCSV])
    }

    /// The previous build's three exports, held unretained (see `campaignPass`).
    struct OldExports: @unchecked Sendable {
        let json: Unmanaged<MappedFile>
        let csv: Unmanaged<MappedFile>
        let links: Unmanaged<MappedFile>

        /// `spansHold` on these files, read without retaining them.
        func hold(_ old: ManifestEntry, id: String) -> Bool {
            json._withUnsafeGuaranteedRef { json in
                csv._withUnsafeGuaranteedRef { csv in
                    links._withUnsafeGuaranteedRef { links in SiteWriter.spansHold(old, id: id, json: json, csv: csv, links: links) }
                }
            }
        }
    }

    /// What the campaign pass made: the manifest entries, the campaigns it rendered, and the
    /// exports, complete but maybe still being written (`finish()` waits for them).
    struct CampaignPass {
        var entries: [ManifestEntry]
        var rendered: [Int]
        var exports: [ExportWriter]

        func finish() throws {
            for export in exports { try export.close() }
        }
    }

    /// Whether the previous exports still hold campaign `id` at the spans the manifest gives
    /// (the files could have been edited since): its metrics.json object starts with its id, and
    /// its metrics.csv row and links.csv rows start with it and end a line. An id that needs no
    /// escaping in JSON or CSV (the usual case) is compared in place, with nothing allocated.
    static func spansHold(_ old: ManifestEntry, id: String, json: MappedFile, csv: MappedFile, links: MappedFile) -> Bool {
        var utf8 = id
        return utf8.withUTF8 { bytes in
            if ExportSpan.isPlain(bytes) {
                return json.holds(old.json, head: "  {\"id\": \"", id: bytes, tail: "\",")
                    && csv.holds(old.csv, head: "", id: bytes, tail: ",", end: "\r\n")
                    && (old.links.isEmpty || links.holds(old.links, head: "", id: bytes, tail: ",", end: "\r\n"))
            }
            let field = Array((MetricsExport.csvField(id) + ",").utf8)
            return json.holds(old.json, prefix: Array(("  {\"id\": " + MetricsExport.jsonString(id) + ",").utf8))
                && csv.holds(old.csv, prefix: field, suffix: Array("\r\n".utf8))
                && (old.links.isEmpty || links.holds(old.links, prefix: field, suffix: Array("\r\n".utf8)))
        }
    }

    // MARK: - Fingerprints and manifest

    /// What every page depends on besides its campaign.
    func siteFingerprint(config: InsightConfig) -> String {
        var text = "\(site.version)\n\(site.title)\n\(site.stylesheet)\n\(site.favicon)\n\(renderer.store.fingerprint())\n"
        text += Self.configDigest(config) + "\n" + Self.executableStamp() + "\n"
        if stampIsInput { text += site.generatedAt.rfc3339 }
        return String(fnv1a(text), radix: 16)
    }

    /// The insight configuration as stable text (sets and dictionaries sorted).
    static func configDigest(_ c: InsightConfig) -> String {
        var text = "\(c.benchmarkIndustry ?? "-")|\(c.historyWindow)|\(c.minimumHistory)|\(c.historyDeviations)|\(c.historyRelativeFloorPercent)|"
        text += c.disabledRules.sorted().joined(separator: ",") + "|"
        for (rule, values) in c.overrides.sorted(by: { $0.key < $1.key }) {
            text += rule + ":" + values.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: ",") + ";"
        }
        return text
    }

    /// Size and modification time of the running executable: a rebuilt Funnelmark (new rules,
    /// new wording) invalidates earlier builds' pages even without a version change.
    static func executableStamp() -> String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        return "\(info.st_size)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)"
    }

    /// A digest of everything a campaign's page, JSON and CSV row depend on: its data and
    /// figures, and (for its insights) the account history it is compared with. The rules,
    /// their configuration and the templates are in `siteKey`.
    ///
    /// A campaign read from campaigns.json is identified by the digest of its object's text
    /// there; figures from event files are added as computed.
    ///
    /// - Parameter site: a `Fingerprint` that has taken the site key (made once for all pages).
    func pageFingerprint(_ report: borrowing CampaignReport, history: UInt64, slug: String, site: Fingerprint) -> UInt64 {
        var hash = site
        hash.add(slug)
        hash.add(history)
        if let digest = report.campaign.sourceDigest, !report.hasEvents {
            hash.add(digest)
            return hash.value
        }
        let c = report.campaign
        hash.add(c.sourceDigest ?? 0)
        hash.add(MetricsExport.campaignJSON(report))
        for part in [c.subject, c.preheader, c.fromName, c.fromEmail, c.scheduledAt?.rfc3339, c.sentAt?.rfc3339,
                     c.completedAt?.rfc3339, c.audience.size.map(String.init)] {
            hash.add(part ?? "\u{1}")
        }
        hash.add(c.tags.joined(separator: "\u{1}"))
        hash.add(c.utm.pairs.map { $0.name + "=" + $0.value }.joined(separator: "\u{1}"))
        if let events = report.events { hash.add(String(describing: events)) }
        return hash.value
    }

    /// What the manifest remembers of a campaign: its fingerprint and where its object and row
    /// are in metrics.json, metrics.csv and links.csv, so an unchanged campaign's can be copied.
    struct ManifestEntry: Sendable, Equatable {
        /// The campaign's `pageFingerprint`.
        var key: UInt64
        var json: Range<Int>
        var csv: Range<Int>
        var links: Range<Int>
    }

    /// What a month page depends on: its neighbours, and the fingerprints of its campaigns.
    func monthFingerprint(_ months: [PageContext.MonthGroup], at p: Int, slugs: [String], entries: [ManifestEntry],
                          siteKey: String) -> String {
        var hash = Fingerprint()
        hash.add(siteKey)
        hash.add(months[p].key)
        hash.add(months[p].label)
        for neighbour in [p - 1, p + 1] {
            if months.indices.contains(neighbour) {
                hash.add(months[neighbour].fileName)
                hash.add(months[neighbour].label)
            } else {
                hash.add("")
            }
        }
        for i in months[p].indices {
            hash.add(slugs[i])
            hash.add(entries[i].key)
        }
        return String(hash.value, radix: 16)
    }

    /// The manifest: one line per campaign in campaign order (slug, fingerprint, spans of its metrics.json object
    /// metrics.csv row and links.csv rows), then one per month page ("#month", file, fingerprint).
    func manifest(slugs: [String], entries: [ManifestEntry], months: [String: String], siteKey: String) -> [UInt8] {
        // Written into one buffer by plain functions (nested functions appending to a captured
        // array made every append check exclusive access at run time: 60,000 spans a build).
        var out = ByteBuffer(capacity: 64 * slugs.count + 256)
        out.append(Self.manifestVersion + "\n" + siteKey + "\n")
        for k in slugs.indices {
            let e = entries[k]
            out.append(slugs[k])
            out.append(0x09)
            Self.appendDigits(e.key, hex: true, to: &out)
            Self.appendSpan(e.json, to: &out)
            Self.appendSpan(e.csv, to: &out)
            Self.appendSpan(e.links, to: &out)
            out.append(0x0A)
        }
        for (file, key) in months.sorted(by: { $0.key < $1.key }) { out.append("#month\t\(file)\t\(key)\n") }
        return out.withBytes { Array($0) }
    }

    /// A span's offset and length, each after a tab.
    static func appendSpan(_ span: Range<Int>, to out: inout ByteBuffer) {
        out.append(0x09)
        appendDigits(UInt64(span.lowerBound), hex: false, to: &out)
        out.append(0x09)
        appendDigits(UInt64(span.count), hex: false, to: &out)
    }

    /// `value` in decimal or lower-case hex, most significant digit first: the digits are made
    /// last first into a scratch buffer by constant divisors (a multiply or a shift; a divisor
    /// known only at run time costs a division per digit).
    static func appendDigits(_ value: UInt64, hex: Bool, to out: inout ByteBuffer) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { scratch in
            guard let end = scratch.baseAddress.map({ $0 + scratch.count }) else { return }
            var at = end
            var rest = value
            repeat {
                let digit: UInt8
                if hex {
                    digit = UInt8(truncatingIfNeeded: rest & 15)
                    rest >>= 4
                } else {
                    digit = UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
                at -= 1
                at.pointee = digit < 10 ? 0x30 + digit : 0x57 + digit
            } while rest > 0
            out.append(UnsafeBufferPointer(start: at, count: end - at))
        }
    }

    /// What a previous build's manifest holds.
    struct PreviousBuild: Sendable {
        /// The `siteFingerprint` of the build that wrote it.
        var siteKey: String
        /// Its campaigns' slugs and entries, in its campaign order.
        var slugs: [String]
        var entries: [ManifestEntry]
        /// Month page file → fingerprint.
        var months: [String: String]
        /// The previous exports, when mapped as the manifest was read (`readPreviousBuild()`).
        var exports: [String: MappedFile] = [:]

        /// Each of `current`'s campaigns' entry (nil for a new one), and the slugs of the
        /// previous build that are gone. The same campaigns in the same order (the usual case)
        /// are matched by position, with no table of 10,000 slugs to make and look up.
        func match(_ current: [String]) -> (entries: [ManifestEntry?], removed: Set<String>) {
            if slugs == current { return (entries.map { $0 }, []) }
            let bySlug = Dictionary(zip(slugs, entries), uniquingKeysWith: { _, last in last })
            return (current.map { bySlug[$0] }, Set(slugs).subtracting(current))
        }
    }

    /// The previous build's entries and site key, if it left a readable manifest and every page
    /// the manifest lists.
    func readManifest(in directory: String) -> PreviousBuild? {
        guard let bytes = readFile(directory + "/" + Self.manifestPath) else { return nil }
        var slugs: [String] = []
        var entries: [ManifestEntry] = []
        var months: [String: String] = [:]
        var siteKey = ""
        let ok = bytes.withUnsafeBufferPointer { b -> Bool in
            var position = 0
            // One array for every line's fields (a new one per line cost an allocation each).
            var fields: [Range<Int>] = []
            fields.reserveCapacity(8)
            /// The next line's tab-separated fields (empty for an empty line), nil at the end.
            func nextLine() -> [Range<Int>]? {
                guard position < b.count else { return nil }
                fields.removeAll(keepingCapacity: true)
                var start = position
                while position < b.count && b[position] != 0x0A {
                    if b[position] == 0x09 { fields.append(start..<position); start = position + 1 }
                    position += 1
                }
                if position > start || !fields.isEmpty { fields.append(start..<position) }
                position += 1
                return fields
            }
            func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
            func hex(_ r: Range<Int>) -> UInt64? {
                guard !r.isEmpty, r.count <= 16 else { return nil }
                var n: UInt64 = 0
                for i in r {
                    let digit: UInt8
                    switch b[i] {
                    case 0x30...0x39: digit = b[i] - 0x30
                    case 0x61...0x66: digit = b[i] - 0x61 + 10
                    default: return nil
                    }
                    n = n << 4 | UInt64(digit)
                }
                return n
            }
            func number(_ r: Range<Int>) -> Int? {
                guard !r.isEmpty, r.count < 19 else { return nil }
                var n = 0
                for i in r {
                    guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                    n = n * 10 + Int(b[i] - 0x30)
                }
                return n
            }
            guard let version = nextLine(), version.count == 1, text(version[0]) == Self.manifestVersion,
                  let key = nextLine(), key.count == 1 else { return false }
            siteKey = text(key[0])
            slugs.reserveCapacity(b.count / 64)
            entries.reserveCapacity(b.count / 64)
            while let fields = nextLine() {
                if fields.isEmpty { continue }
                if fields.count == 3, b[fields[0].lowerBound] == UInt8(ascii: "#"), text(fields[0]) == "#month" {
                    months[text(fields[1])] = text(fields[2])
                    continue
                }
                guard fields.count == 8, let key = hex(fields[1]),
                      let jo = number(fields[2]), let jl = number(fields[3]), let co = number(fields[4]),
                      let cl = number(fields[5]), let lo = number(fields[6]), let ll = number(fields[7]) else { return false }
                slugs.append(text(fields[0]))
                entries.append(ManifestEntry(key: key, json: jo..<(jo + jl), csv: co..<(co + cl), links: lo..<(lo + ll)))
            }
            return true
        }
        guard ok else { return nil }
        // Pages the manifest promises must still be there.
        guard let pages = fileNames(in: directory + "/campaigns", expecting: slugs.count) else { return nil }
        for slug in slugs where !pages.contains(slug + ".html") { return nil }
        return PreviousBuild(siteKey: siteKey, slugs: slugs, entries: entries, months: months)
    }

    // MARK: - Putting the output in place

    /// Puts the staged folder in place of the output folder.
    func swap(staging: URL, into out: URL, exists: Bool, pid: Int32) throws {
        let fm = FileManager.default
        let old = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).previous-\(pid)")
        do {
            if exists {
                try? fm.removeItem(at: old)
                try fm.moveItem(at: out, to: old)
            }
            try fm.moveItem(at: staging, to: out)
        } catch {
            if exists, !fm.fileExists(atPath: out.path) { try? fm.moveItem(at: old, to: out) }
            throw OutputError(path: out.path, message: "cannot replace the output folder: \(error.localizedDescription)")
        }
        if exists { try? fm.removeItem(at: old) }
    }

    /// Moves staged pages and summaries into the existing output and makes the `edits` to the
    /// exports updated in place. The previous manifest goes first and the new one last, so a
    /// commit cut short leaves no manifest, and the next build is a full one.
    func commitIncremental(staging: URL, into out: URL, rendered: [String], removed: Set<String>, months: [String],
                           renderedMonths: [String], edits: [(name: String, edit: InPlaceEdit)] = []) throws {
        let edited = Set(edits.map(\.name))
        var moves = rendered.map { "campaigns/\($0).html" }
        moves += ["index.html"] + Self.exportNames.filter { !edited.contains($0) } + renderedMonths
        unlink(out.path + "/" + Self.manifestPath)
        for (_, edit) in edits { try edit.apply() }
        let fm = FileManager.default
        // Drop the month pages no longer needed.
        let keep = Set(months)
        let oldMonths = (try? fm.contentsOfDirectory(atPath: out.path + "/months")) ?? []
        for name in oldMonths where !keep.contains("months/" + name) { unlink(out.path + "/months/" + name) }
        if !months.isEmpty { try? fm.createDirectory(atPath: out.path + "/months", withIntermediateDirectories: true) }
        // Each replaced file is first moved aside into the staging folder (deleted with it):
        // renaming a file over an existing one makes ext4 write the new file's data out at once
        // (its auto_da_alloc safeguard), which measured 5–26 ms for a 52 MB metrics.json here,
        // where a rename to a free name and the unlink of the old file cost about 3 ms.
        for (k, relative) in moves.enumerated() {
            let target = out.path + "/" + relative
            let aside = staging.path + "/.replaced-\(k)"
            let movedAside = rename(target, aside) == 0
            if rename(staging.path + "/" + relative, target) != 0 {
                let reason = String(cString: strerror(errno))
                if movedAside { rename(aside, target) }
                throw OutputError(path: target, message: "cannot move the new file into place: \(reason)")
            }
        }
        for slug in removed {
            unlink(out.path + "/campaigns/\(slug).html")
        }
        if rename(staging.path + "/" + Self.manifestPath, out.path + "/" + Self.manifestPath) != 0 {
            throw OutputError(path: out.path, message: "cannot write the build manifest: \(String(cString: strerror(errno)))")
        }
        try? FileManager.default.removeItem(at: staging)
    }
}

// MARK: - Fingerprints

/// FNV-1a over a sequence of fields, each followed by a separator byte (so "ab","c" and
/// "a","bc" differ), fed from the bytes as they are: no text is put together to be hashed.
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    private mutating func byte(_ b: UInt8) {
        value = (value ^ UInt64(b)) &* 0x100_0000_01b3
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { for b in $0 { byte(b) } }
        byte(0x0A)
    }

    /// A number's eight bytes, low first.
    mutating func add(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { byte(UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
        byte(0x0A)
    }
}

// MARK: - Files

/// Work run on another thread, whose result is waited for (once; later waits return it again).
final class BackgroundTask<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?
    private var finished = false

    init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global(qos: .userInitiated).async {
            self.result = Result { try work() }
            self.done.signal()
        }
    }

    func wait() throws -> T {
        if !finished {
            done.wait()
            finished = true
        }
        return try result!.get()
    }
}

/// An exclusive lock (`flock`) on an output folder, which a build holds from reading the
/// previous build to its end: two builds into one folder take turns, so that neither updates
/// in place an export the other has mapped and planned from. Released when it goes, or with
/// the process.
final class FolderLock: @unchecked Sendable {
    private let fd: Int32

    /// Locks the folder at `path`, waiting while another build holds it (`waiting` is called
    /// once first); nil if there is no folder or it cannot be locked. A folder replaced while
    /// this waited (a full build puts a new one in place) is locked in its turn.
    init?(_ path: String, waiting: (() -> Void)? = nil) {
        var told = false
        while true {
            let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            var result = flock(fd, LOCK_EX | LOCK_NB)
            if result != 0, errno == EWOULDBLOCK {
                if !told { waiting?() }
                told = true
                repeat { result = flock(fd, LOCK_EX) } while result != 0 && errno == EINTR
            }
            var locked = stat(), now = stat()
            if result == 0, fstat(fd, &locked) == 0, stat(path, &now) == 0,
               locked.st_dev == now.st_dev, locked.st_ino == now.st_ino {
                self.fd = fd
                return
            }
            close(fd)
            if result != 0 { return nil }
        }
    }

    deinit { close(fd) }
}

/// The names in a folder (one listing instead of a check per file), nil if it cannot be read.
func fileNames(in directory: String, expecting count: Int = 0) -> Set<String>? {
    guard let dir = opendir(directory) else { return nil }
    defer { closedir(dir) }
    var names = Set<String>(minimumCapacity: count + 2)
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        names.insert(name)
    }
    return names
}

/// A folder that files are created in by name (`openat`): the kernel does not walk the
/// folder's whole path again for each of 10,000 pages.
final class OpenDirectory: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError(path: path, message: "cannot open folder: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Writes `bytes` to the file `name` in this folder, replacing it.
    func write(_ bytes: UnsafeBufferPointer<UInt8>, name: String) throws {
        let file = openat(fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else {
            throw OutputError(path: path + "/" + name, message: "cannot write file: \(String(cString: strerror(errno)))")
        }
        defer { close(file) }
        try writeAll(bytes, fd: file, path: path + "/" + name)
    }
}

/// A file written in pieces, with errors that name it.
final class OpenFile: @unchecked Sendable {
    let path: String
    private var fd: Int32
    /// Bytes written so far.
    private(set) var written = 0

    init(_ path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, message: "cannot write file: \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    /// Appends `range` of `old`, written from its mapping.
    func copy(_ range: Range<Int>, from old: MappedFile) throws {
        // Written from the old file's mapping, half a megabyte per write: copying the 52 MB
        // metrics.json of 10,000 campaigns took 12.1-14.6 ms so in 0.5-1 MB writes against
        // 16.4-22.5 ms by `sendfile` (in 256 KB to 8 MB calls) and 138-173 ms in writes of 2 MB
        // or more (a C loop, alternating runs, here).
        guard range.lowerBound >= 0, range.upperBound <= old.bytes.count else {
            throw OutputError(path: path, message: "cannot copy from the previous build: file ended early")
        }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let end = min(range.upperBound, offset + Self.copyChunk)
            try write(raw: UnsafeRawBufferPointer(rebasing: old.bytes[offset..<end]))
            offset = end
        }
    }

    /// Bytes per write when copying from a previous export (see `copy`).
    static let copyChunk = 512 << 10

    func write(raw bytes: UnsafeRawBufferPointer) throws {
        try bytes.withMemoryRebound(to: UInt8.self) { try writeAll($0, fd: fd, path: path) }
        written += bytes.count
    }

    func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try writeAll($0, fd: fd, path: path) }
        written += text.utf8.count
    }

    func close() throws {
        let result = Glibc.close(fd)
        fd = -1
        if result != 0 { throw OutputError(path: path, message: "cannot write file: \(String(cString: strerror(errno)))") }
    }
}


/// Writes a file with plain POSIX calls: the staging folder is put in place
/// whole, so per-file atomic writes (and their fsyncs) would only cost time.
func writeFile(_ text: String, to path: String) throws {
    var text = text
    try text.withUTF8 { try writeFile($0, to: path) }
}

/// Writes bytes to a file, as `writeFile(_:to:)` does text.
func writeFile(_ bytes: [UInt8], to path: String) throws {
    try bytes.withUnsafeBufferPointer { try writeFile($0, to: path) }
}

func writeFile(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OutputError(path: path, message: "cannot write file: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    try writeAll(bytes, fd: fd, path: path)
}

/// Writes the whole buffer, retrying short writes and interrupted calls.
func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, fd: Int32, path: @autoclosure () -> String) throws {
    guard let base = buffer.baseAddress else { return }
    var offset = 0
    while offset < buffer.count {
        let n = write(fd, base + offset, buffer.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            throw OutputError(path: path(), message: "cannot write file: \(String(cString: strerror(errno)))")
        }
        offset += n
    }
}

/// Times consecutive stages of a build.
struct StageClock {
    let report: (@Sendable (String, Double) -> Void)?
    var last = Date()
    mutating func lap(_ name: String) {
        let now = Date()
        report?(name, now.timeIntervalSince(last))
        last = now
    }
}
