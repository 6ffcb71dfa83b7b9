import Foundation

// MARK: - PartialResolver

/// Resolves partial and parent names to templates (e.g. from a folder, a dictionary, or built-ins).
public protocol PartialResolver: Sendable {
    /// The template called `name`, or nil when there is none (which renders empty unless
    /// `RenderOptions.missingPartialIsError`). Throw for a template that exists but cannot be loaded.
    func template(named name: String) throws -> Template?
}

// MARK: - DictionaryPartials

/// Partials given as source text by name. Each is parsed once, when the resolver is made;
/// a partial with a syntax error throws that error when it is first used.
public struct DictionaryPartials: PartialResolver {
    private let templates: [String: Result<Template, TemplateError>]

    /// Partials from source text, keyed by partial name (also the name used in errors).
    public init(_ sources: [String: String]) {
        templates = sources.reduce(into: [:]) { parsed, entry in
            parsed[entry.key] = Result { () throws(TemplateError) in
                try Template(source: entry.value, name: entry.key)
            }
        }
    }

    /// Partials already parsed, keyed by partial name.
    public init(templates: [String: Template]) {
        self.templates = templates.mapValues { .success($0) }
    }

    public func template(named name: String) throws -> Template? {
        try templates[name]?.get()
    }
}

// MARK: - DirectoryPartials

/// Partials read from files: the name `card` or `parts/card` is `DIRECTORY/card.mustache` or
/// `DIRECTORY/parts/card.mustache`; nil if the file does not exist. Files are parsed once and cached.
public struct DirectoryPartials: PartialResolver {
    /// The folder partial names are resolved in.
    public let directory: String
    /// The file extension added to a partial name, without the dot.
    public let fileExtension: String
    private let cache = TemplateCache()

    /// Partials from `directory`, each a file named `NAME.extension`.
    public init(directory: String, extension: String = "mustache") {
        self.directory = directory
        self.fileExtension = `extension`
    }

    public func template(named name: String) throws -> Template? {
        if let cached = cache.entry(for: name) { return cached }
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\0"),
              !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty })
        else {
            throw PartialLoadError(
                description: "a partial name must be a relative path inside \(directory), like 'card' or 'parts/card'")
        }
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let path = fileExtension.isEmpty ? "\(base)/\(name)" : "\(base)/\(name).\(fileExtension)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            cache.store(nil, for: name)
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PartialLoadError(description: "\(path) cannot be read")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw PartialLoadError(description: "\(path) is not valid UTF-8")
        }
        let template = try Template(source: source, name: path)
        cache.store(template, for: name)
        return template
    }
}

/// Why a resolver could not load a partial that it was asked for.
struct PartialLoadError: Error, CustomStringConvertible {
    let description: String
}

/// Parsed templates (or known absences) by name, shared by copies of one resolver.
private final class TemplateCache: @unchecked Sendable {
    // @unchecked: every access to `entries` holds `lock`.
    private let lock = NSLock()
    private var entries: [String: Template?] = [:]

    /// `.some(nil)` means the partial is known not to exist; nil means not looked up yet.
    func entry(for name: String) -> Template?? {
        lock.lock()
        defer { lock.unlock() }
        return entries[name]
    }

    func store(_ template: Template?, for name: String) {
        lock.lock()
        defer { lock.unlock() }
        entries[name] = .some(template)
    }
}
