import Foundation
import Testing
@testable import FunnelmarkCLI

/// The package root, found from this file's path.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// What a command printed and returned.
struct RunResult {
    var code: Int32
    var stdout: String
    var stderr: String
}

final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
    var value: String { lock.lock(); defer { lock.unlock() }; return text }
}

/// Runs the command line in-process.
func run(_ args: [String], environment: [String: String] = ["SOURCE_DATE_EPOCH": "1780000000"]) -> RunResult {
    let out = Capture(), err = Capture()
    let console = Console(out: { out.append($0) }, err: { err.append($0) })
    let code = Funnelmark.run(args, console: console, environment: environment)
    return RunResult(code: code, stdout: out.value, stderr: err.value)
}

/// The real binary: $FUNNELMARK_BIN, else the debug or release build.
func binaryPath() -> String? {
    if let path = ProcessInfo.processInfo.environment["FUNNELMARK_BIN"], FileManager.default.isExecutableFile(atPath: path) { return path }
    for config in ["debug", "release"] {
        let path = packageRoot.appendingPathComponent(".build/\(config)/funnelmark").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Runs the real binary as a process.
func runBinary(_ args: [String], environment: [String: String] = ["SOURCE_DATE_EPOCH": "1780000000"], cwd: URL? = nil) throws -> RunResult {
    let path = try #require(binaryPath(), "build the funnelmark binary first (make test does), or set FUNNELMARK_BIN")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = args
    process.environment = environment
    if let cwd { process.currentDirectoryURL = cwd }
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    try process.run()
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(code: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A fresh temporary folder, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("funnelmark-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every file under a folder, relative path → bytes.
func snapshot(_ root: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let base = root.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
    for case let relative as String in walker {
        var isDir: ObjCBool = false
        let full = base + "/" + relative
        if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
        }
    }
    return result
}

func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}
