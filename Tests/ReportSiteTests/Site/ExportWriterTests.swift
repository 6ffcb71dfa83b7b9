import Foundation
import Testing
@testable import ReportSite

@Suite("exports written from new text and ranges of the previous file")
struct ExportWriterTests {
    @Test("whatever pieces come in, the file holds exactly their bytes in order", arguments: 0..<40)
    func piecesInOrder(seed: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-writer-\(getpid())-\(seed)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        // An old file of separators and words, like an export.
        var old: [UInt8] = []
        for _ in 0..<200 { old += Array((next(3) == 0 ? ",\n" : "w\(next(100))").utf8) }
        try Data(old).write(to: folder.appendingPathComponent("old"))
        let mapped = try #require(MappedFile(folder.appendingPathComponent("old").path))
        // Odd seeds copy long runs early, in pieces of a few bytes; every fourth seed gives the
        // old file's pages back as they are copied.
        let writer = try ExportWriter(folder.appendingPathComponent("new").path, old: mapped,
                                      runLimit: seed % 2 == 0 ? 8 << 20 : 1 + seed % 7, recycle: seed % 4 == 1)
        var expected: [UInt8] = []
        var cursor = 0
        for _ in 0..<300 {
            switch next(4) {
            case 0, 1:
                // Often the old file's next bytes, so runs grow; sometimes anywhere.
                let start = next(5) == 0 ? next(old.count) : min(cursor, old.count)
                let end = min(old.count, start + next(20))
                try writer.appendOld(start..<end)
                expected += old[start..<end]
                cursor = end
            case 2:
                let end = min(old.count, cursor + next(4))
                let text = String(decoding: old[min(cursor, old.count)..<end], as: UTF8.self)
                try writer.append(text)
                expected += Array(text.utf8)
                cursor = end
            default:
                let text = "n\(next(1000))"
                try writer.append(text)
                expected += Array(text.utf8)
            }
        }
        #expect(writer.position == expected.count)
        try writer.close()
        let written = try [UInt8](Data(contentsOf: folder.appendingPathComponent("new")))
        #expect(written == expected)
    }

    @Test("a large old file copied in runs, its pages given back as they go, comes out whole")
    func recycledPages() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-recycle-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // 1 MB of numbered lines, several pages each run.
        let old = Array((0..<40_000).map { "line \($0)\n" }.joined().utf8)
        let oldURL = folder.appendingPathComponent("old")
        try Data(old).write(to: oldURL)
        let mapped = try #require(MappedFile(oldURL.path))
        let writer = try ExportWriter(folder.appendingPathComponent("new").path, old: mapped, runLimit: 50_000, recycle: true)
        var expected: [UInt8] = []
        var at = 0
        while at < old.count {
            // Old bytes in runs of about 30 KB, with a new piece between them.
            let end = min(old.count, at + 30_011)
            try writer.appendOld(at..<end)
            expected += old[at..<end]
            try writer.append("<new \(at)>")
            expected += Array("<new \(at)>".utf8)
            at = end
        }
        try writer.close()
        // The mapping still reads the old file after its pages were given back.
        let middle = Array("line 20000\n".utf8)
        let offset = try #require(old.firstRange(of: middle)).lowerBound
        #expect(middle.withUnsafeBufferPointer { mapped.matches($0, at: offset) })
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent("new"))) == expected)
        #expect(try [UInt8](Data(contentsOf: oldURL)) == old)
    }
}
