import Foundation
import Mustache
import Testing

// MARK: - Spec cases

/// One test of the Mustache specification's JSON files, named "file: test name".
struct SpecCase: Sendable, CustomTestStringConvertible {
    let file: String
    let name: String
    let data: MustacheValue
    let template: String
    let partials: [String: String]
    let expected: String
    /// Set instead of the fields above when the spec folder could not be read.
    let loadFailure: String?

    var testDescription: String { loadFailure == nil ? "\(file): \(name)" : "spec folder missing" }
}

/// The decoded shape of a spec file.
private struct SpecFile: Decodable {
    struct Test: Decodable {
        let name: String
        let data: MustacheValue
        let template: String
        let partials: [String: String]?
        let expected: String
    }

    let tests: [Test]
}

/// Reads the specification from `MUSTACHE_SPEC_DIR`, or `../shared/conformance/mustache`
/// beside the package. Never copies the spec into the project.
enum SpecLibrary {
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["MUSTACHE_SPEC_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // #filePath is PACKAGE/Tests/MustacheTests/SpecConformanceTests.swift.
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent("../shared/conformance/mustache", isDirectory: true).standardized
    }

    /// Files left out on purpose: lambdas need code in the data.
    static let skippedFiles: Set<String> = ["~lambdas.json"]

    static let cases: [SpecCase] = load()

    private static func load() -> [SpecCase] {
        let folder = directory
        let advice = "Set MUSTACHE_SPEC_DIR to the folder holding the Mustache spec's *.json files, "
            + "e.g. MUSTACHE_SPEC_DIR=/path/to/spec/specs swift test --filter MustacheTests"
        guard let listing = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            return [failure("the Mustache spec folder \(folder.path) is missing or unreadable. \(advice)")]
        }
        let files = listing.filter { $0.hasSuffix(".json") && !skippedFiles.contains($0) }.sorted()
        guard !files.isEmpty else {
            return [failure("the Mustache spec folder \(folder.path) has no *.json files. \(advice)")]
        }
        var cases: [SpecCase] = []
        for file in files {
            do {
                let data = try Data(contentsOf: folder.appendingPathComponent(file))
                let spec = try JSONDecoder().decode(SpecFile.self, from: data)
                for test in spec.tests {
                    cases.append(SpecCase(
                        file: file, name: test.name, data: test.data, template: test.template,
                        partials: test.partials ?? [:], expected: test.expected, loadFailure: nil))
                }
            } catch {
                cases.append(failure("\(file) could not be read as a Mustache spec file: \(error)"))
            }
        }
        return cases
    }

    private static func failure(_ message: String) -> SpecCase {
        SpecCase(file: "", name: "", data: .null, template: "", partials: [:], expected: "", loadFailure: message)
    }
}

// MARK: - Decoding spec data

extension MustacheValue: Decodable {
    /// Test-only JSON decoding; JSONDecoder keeps booleans and numbers apart.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([MustacheValue].self) {
            self = .array(value)
        } else {
            self = .object(MustacheObject(try container.decode([String: MustacheValue].self)))
        }
    }
}

// MARK: - Tests

@Suite("Mustache specification")
struct SpecConformanceTests {
    @Test("The spec folder is present and holds test cases")
    func specFolderIsPresent() {
        let failures = SpecLibrary.cases.compactMap(\.loadFailure)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(SpecLibrary.cases.count > 100,
                "expected the whole spec (over 100 cases) in \(SpecLibrary.directory.path)")
    }

    @Test("Spec case renders as expected", arguments: SpecLibrary.cases)
    func specCase(_ spec: SpecCase) throws {
        if let failure = spec.loadFailure {
            Issue.record(Comment(rawValue: failure))
            return
        }
        let template = try Template(source: spec.template, name: spec.name)
        let rendered = try template.render(spec.data, partials: DictionaryPartials(spec.partials))
        #expect(rendered == spec.expected, "template: \(spec.template.debugDescription)")
    }
}
