import Foundation
import Testing
@testable import CampaignData

@Suite("reading a file's bytes")
struct ReadFileTests {
    static func withTemporaryFolder(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("funnelmark-read-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    @Test("small, empty and large files (read in parts) come back byte for byte", arguments: [0, 1, 4096, 65_537, parallelReadBytes, parallelReadBytes + 12_345, 3 * parallelReadBytes + 1])
    func contents(size: Int) throws {
        try Self.withTemporaryFolder { folder in
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ $0 >> 11) }
            let path = folder + "/f.bin"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let read = readFile(path)
            #expect(read?.count == size)
            #expect(read == bytes)
        }
    }

    @Test("a folder or a missing file is nil, not bytes")
    func notAFile() throws {
        try Self.withTemporaryFolder { folder in
            #expect(readFile(folder) == nil)
            #expect(readFile(folder + "/missing") == nil)
        }
    }
}
