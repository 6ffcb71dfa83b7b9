import CampaignData
import Foundation
import Mustache

/// Where a template may come from, in the order they are tried.
public enum TemplateCandidate: Sendable, Equatable, CustomStringConvertible {
    /// A file in the user's `--templates` folder.
    case file(String)
    /// A template compiled into the binary, by its path under Templates/.
    case builtIn(String)

    public var description: String {
        switch self {
        case let .file(path): return path
        case let .builtIn(path): return "built-in Templates/" + path
        }
    }
}

/// Template lookup, a pure function: a name → the ordered candidate list.
///
/// A name `N` is tried as a partial first (`partials/N.md`, `partials/N.html`),
/// then as a page (`N.md`, `N.html`), in the override folder and then among the
/// built-ins. The prefix `default/` skips the override folder, so a user's
/// `campaign.md` can extend the built-in page with `{{<default/campaign}}` and
/// replace just one `{{$block}}`.
public enum TemplateLookup {
    public static let builtInPrefix = "default/"

    public static func candidates(for name: String, overrideDirectory: String?) -> [TemplateCandidate] {
        var base = name
        var useOverrides = overrideDirectory != nil
        if base.hasPrefix(builtInPrefix) {
            base.removeFirst(builtInPrefix.count)
            useOverrides = false
        }
        // Names are template names, never paths out of the folder.
        guard isSafe(base) else { return [] }
        let relative = ["partials/\(base).md", "partials/\(base).html", "\(base).md", "\(base).html"]
        var result: [TemplateCandidate] = []
        if useOverrides, let directory = overrideDirectory {
            result += relative.map { .file(joinPath(directory, $0)) }
        }
        result += relative.map { .builtIn($0) }
        return result
    }

    /// A template name may hold letters, digits, `-`, `_`, `.` and inner `/`, but no `..` segment.
    public static func isSafe(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("/") else { return false }
        for segment in name.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty || segment == "." || segment == ".." { return false }
        }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./".unicodeScalars.contains($0)
        }
    }
}

/// The templates of a build: built-ins overridden file by file by a folder.
/// Parses each template once and caches it; safe to share across threads.
public final class TemplateStore: PartialResolver, @unchecked Sendable {
    public let overrideDirectory: String?
    private let cache = LockedDictionary<String, Template?>()

    public init(overrideDirectory: String?) {
        self.overrideDirectory = overrideDirectory
    }

    /// The built-in text of a template by its path under Templates/ (e.g. "campaign.md").
    public static func builtInSource(_ path: String) -> String? { EmbeddedResources.files["Templates/" + path] }

    /// The built-in text of an asset by its path under Assets/.
    public static func asset(_ path: String) -> String? { EmbeddedResources.files["Assets/" + path] }

    public func template(named name: String) throws -> Template? {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        var found: Template?
        for candidate in TemplateLookup.candidates(for: name, overrideDirectory: overrideDirectory) {
            switch candidate {
            case let .file(path):
                guard let bytes = readFile(path) else { continue }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw InputError(.invalid, path: path, "template is not valid UTF-8 text")
                }
                found = try Template(source: text, name: path)
            case let .builtIn(path):
                guard let text = Self.builtInSource(path) else { continue }
                found = try Template(source: text, name: "Templates/" + path)
            }
            break
        }
        let result = found
        cache.withLock { $0[name] = result }
        return result
    }

    /// A digest of every template this store can use (built-ins and the
    /// override folder), so a build can tell whether templates changed.
    public func fingerprint() -> String {
        var text = ""
        for key in EmbeddedResources.files.keys.sorted() where key.hasPrefix("Templates/") || key.hasPrefix("Assets/") {
            text += key + "\u{0}" + (EmbeddedResources.files[key] ?? "") + "\u{0}"
        }
        if let directory = overrideDirectory, let walker = FileManager.default.enumerator(atPath: directory) {
            var files: [String] = []
            for case let relative as String in walker { files.append(relative) }
            for relative in files.sorted() {
                if let bytes = readFile(joinPath(directory, relative)) {
                    text += relative + "\u{0}" + String(decoding: bytes, as: UTF8.self) + "\u{0}"
                }
            }
        }
        return String(fnv1a(text), radix: 16)
    }

    // MARK: - What the templates read

    /// The keys that rendering the templates `roots` can look up: the names in their tags and in
    /// those of every partial and parent they include, as this store resolves them. When one of
    /// them names a partial through the context (`{{>*name}}`), every template the store can
    /// give counts. Everything (`.all`) when a template cannot be loaded or the override folder
    /// cannot be listed: a render of it would fail anyway, and keeping every field is never wrong.
    public func readableKeys(from roots: [String]) -> ReadableKeys {
        var keys: Set<String> = []
        var seen: Set<String> = []
        var pending = roots
        var dynamic = false
        while let name = pending.popLast() {
            guard seen.insert(name).inserted else { continue }
            let found: Template?
            do { found = try template(named: name) } catch { return .all }
            // A missing partial renders nothing (or fails the render): it reads nothing.
            guard let found else { continue }
            let reads = found.reads
            keys.formUnion(reads.keys)
            pending += reads.partials
            dynamic = dynamic || reads.hasDynamicPartials
        }
        if dynamic {
            guard let every = everyTemplate() else { return .all }
            for template in every { keys.formUnion(template.reads.keys) }
        }
        return ReadableKeys(keys)
    }

    /// Every template a name could resolve to: the built-ins and each `.md` or `.html` file under
    /// the override folder (nil when the folder cannot be listed). A file that cannot be read is
    /// skipped, as a lookup skips it; one that does not parse is skipped too, since including
    /// it fails the render.
    func everyTemplate() -> [Template]? {
        var sources: [(text: String, name: String)] = []
        for (key, text) in EmbeddedResources.files where key.hasPrefix("Templates/") {
            sources.append((text, key))
        }
        if let directory = overrideDirectory {
            guard let files = Self.templateFiles(under: directory, depth: 0) else { return nil }
            for path in files {
                guard let bytes = readFile(path), let text = String(validating: bytes, as: UTF8.self) else { continue }
                sources.append((text, path))
            }
        }
        return sources.compactMap { try? Template(source: $0.text, name: $0.name) }
    }

    /// The `.md` and `.html` files under `directory`, following links; nil when a folder cannot be
    /// listed or the folders nest deeper than a template name plausibly does (a link loop).
    static func templateFiles(under directory: String, depth: Int) -> [String]? {
        guard depth < 16, let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        var files: [String] = []
        for entry in entries {
            let path = joinPath(directory, entry)
            var isDirectory = false
            guard fileExists(path, isDirectory: &isDirectory) else { continue }
            if isDirectory {
                guard let inner = templateFiles(under: path, depth: depth + 1) else { return nil }
                files += inner
            } else if entry.hasSuffix(".md") || entry.hasSuffix(".html") {
                files.append(path)
            }
        }
        return files
    }

    /// A page template (layout, campaign, index) that must exist.
    public func page(_ name: String) throws -> Template {
        if let t = try template(named: name) { return t }
        throw InputError(.invalid, path: name, "template not found; looked in " +
            TemplateLookup.candidates(for: name, overrideDirectory: overrideDirectory).map(\.description).joined(separator: ", "))
    }
}

/// A dictionary behind a lock, safe to share across threads.
final class LockedDictionary<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = Lock()
    /// Only touched under `lock`, so the runtime's exclusivity checks (three per lookup of a
    /// partial, which every page includes a handful of) are left out.
    @exclusivity(unchecked) private var storage: [Key: Value] = [:]

    func withLock<T>(_ body: (inout [Key: Value]) throws -> T) rethrows -> T {
        try lock.withLock { try body(&storage) }
    }
}

/// A tiny mutex over pthread, so this module needs no Foundation.
final class Lock: @unchecked Sendable {
    /// Only handed to pthread by address, which does its own synchronization: the runtime's
    /// exclusivity checks on it (two per lock) are left out.
    @exclusivity(unchecked) private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
