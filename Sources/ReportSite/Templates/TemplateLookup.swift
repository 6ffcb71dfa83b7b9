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
    private var storage: [Key: Value] = [:]

    func withLock<T>(_ body: (inout [Key: Value]) throws -> T) rethrows -> T {
        try lock.withLock { try body(&storage) }
    }
}

/// A tiny mutex over pthread, so this module needs no Foundation.
final class Lock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
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
