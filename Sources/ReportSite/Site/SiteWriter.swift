import CampaignData
import Dispatch
import Foundation
import Mustache

/// A failure to write the output (exit 73).
public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// What a build wrote.
public struct BuildSummary: Sendable {
    public var outputDirectory: String
    public var pages: Int
    public var files: [String]
}

/// Stage "write": renders every page into a folder beside the destination,
/// then swaps it in, so a failed build leaves the previous output as it was.
public struct SiteWriter: Sendable {
    public var outputDirectory: String
    public var renderer: PageRenderer
    public var site: SiteInfo

    /// Built-in assets, by their name under Assets/.
    public static let assetNames = ["style.css", "favicon.svg"]

    public init(outputDirectory: String, renderer: PageRenderer, site: SiteInfo) {
        self.outputDirectory = outputDirectory
        self.renderer = renderer
        self.site = site
    }

    /// Content-hashed asset paths relative to the site root ("assets/style.1a2b3c4d.css").
    public static func hashedAssets() -> [(name: String, path: String, text: String)] {
        assetNames.compactMap { name in
            guard let text = TemplateStore.asset(name) else { return nil }
            let dot = name.lastIndex(of: ".") ?? name.endIndex
            let hashed = "\(name[..<dot]).\(Slugs.shortHash(text))\(name[dot...])"
            return (name, "assets/" + hashed, text)
        }
    }

    public static func siteInfo(title: String = "Funnelmark", generatedAt: Timestamp, version: String) -> SiteInfo {
        let assets = hashedAssets()
        let path = { (name: String) in assets.first { $0.name == name }?.path ?? "assets/\(name)" }
        return SiteInfo(title: title, generatedAt: generatedAt, stylesheet: path("style.css"), favicon: path("favicon.svg"), version: version)
    }

    public func build(_ dataset: Dataset) throws -> BuildSummary {
        let fm = FileManager.default
        let out = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        let parent = out.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(out.lastPathComponent).building-\(pid)")
        let old = parent.appendingPathComponent(".\(out.lastPathComponent).previous-\(pid)")

        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: staging)
            try fm.createDirectory(at: staging.appendingPathComponent("campaigns"), withIntermediateDirectories: true)
            try fm.createDirectory(at: staging.appendingPathComponent("assets"), withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: outputDirectory, message: "cannot create the output folder: \(error.localizedDescription)")
        }

        do {
            let files = try render(dataset, into: staging.path)
            try swap(staging: staging, into: out, old: old)
            return BuildSummary(outputDirectory: outputDirectory, pages: dataset.reports.count + 1, files: files)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Writes every file of the site into `root`; returns their relative paths, sorted.
    func render(_ dataset: Dataset, into root: String) throws -> [String] {
        let reports = dataset.reports
        let slugs = Slugs.assign(reports.map(\.campaign.id))
        var written: [String] = []

        for asset in Self.hashedAssets() {
            try write(asset.text, to: root, asset.path)
            written.append(asset.path)
        }

        // Campaign pages, on every core. Each page is independent.
        let errors = ErrorBox()
        let renderer = self.renderer
        let site = self.site
        DispatchQueue.concurrentPerform(iterations: reports.count) { i in
            if errors.hasError { return }
            do {
                let context = PageContext.campaign(reports[i], slug: slugs[i], site: site, root: "../")
                let html = try renderer.campaign(context)
                try write(html, to: root, "campaigns/\(slugs[i]).html")
                try write(MetricsExport.linksCSV(reports[i]), to: root, "campaigns/\(slugs[i]).links.csv")
            } catch {
                errors.record(i, error)
            }
        }
        if let error = errors.first { throw error }
        written += slugs.flatMap { ["campaigns/\($0).html", "campaigns/\($0).links.csv"] }

        let index = try renderer.index(PageContext.overview(reports, slugs: slugs, site: site))
        try write(index, to: root, "index.html")
        try write(MetricsExport.json(reports), to: root, "metrics.json")
        try write(MetricsExport.csv(reports), to: root, "metrics.csv")
        written += ["index.html", "metrics.json", "metrics.csv"]
        return written.sorted()
    }

    func write(_ text: String, to root: String, _ relative: String) throws {
        let path = root + "/" + relative
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw OutputError(path: path, message: "cannot write file")
        }
    }

    /// Puts the staged folder in place of the output folder.
    func swap(staging: URL, into out: URL, old: URL) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: out.path, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue {
            throw OutputError(path: out.path, message: "exists and is not a folder; expected a folder to write the site into")
        }
        do {
            if exists {
                try? fm.removeItem(at: old)
                try fm.moveItem(at: out, to: old)
            }
            try fm.moveItem(at: staging, to: out)
        } catch {
            // Put the previous output back if we moved it.
            if exists, !fm.fileExists(atPath: out.path) { try? fm.moveItem(at: old, to: out) }
            throw OutputError(path: out.path, message: "cannot replace the output folder: \(error.localizedDescription)")
        }
        if exists { try? fm.removeItem(at: old) }
    }
}

/// The first error of a parallel loop, by lowest index so reports are deterministic.
final class ErrorBox: @unchecked Sendable {
    private let lock = Lock()
    private var errors: [(Int, Error)] = []
    var hasError: Bool { lock.withLock { !errors.isEmpty } }
    func record(_ index: Int, _ error: Error) { lock.withLock { errors.append((index, error)) } }
    var first: Error? { lock.withLock { errors.min { $0.0 < $1.0 }?.1 } }
}
