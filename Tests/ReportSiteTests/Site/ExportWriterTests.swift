import Foundation
import Testing
@testable import ReportSite

@Suite("exports written from new text and ranges of the previous file")
struct ExportWriterTests {
    @Test("whatever pieces come in, the file holds exactly their bytes in order", arguments: 0..<40)
    func piecesInOrder(seed: Int) throws {
        let folder = try ShareFixtures.temporaryDirectory()
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
        let folder = try ShareFixtures.temporaryDirectory()
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

    /// A random number source for the tests below, from a seed.
    struct Draw {
        var state: UInt64
        init(_ seed: Int) { state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
        mutating func callAsFunction(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
    }

    /// An old file of separators and words, like an export.
    static func oldFile(_ next: inout Draw, words: Int = 300) -> [UInt8] {
        var old: [UInt8] = []
        for _ in 0..<words { old += Array((next(3) == 0 ? ",\n" : "w\(next(100))").utf8) }
        return old
    }

    @Test("an incremental build's pieces, applied to the old file in place, make exactly the new file", arguments: 0..<60)
    func inPlace(seed: Int) throws {
        let folder = try ShareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var next = Draw(seed)
        let old = Self.oldFile(&next)
        let oldURL = folder.appendingPathComponent("old")
        try Data(old).write(to: oldURL)
        let mapped = try #require(MappedFile(oldURL.path))
        let writer = try ExportWriter(folder.appendingPathComponent("staged").path, old: mapped,
                                      runLimit: seed % 2 == 0 ? 8 << 20 : 1 + seed % 5, deferred: true)
        // The old file's ranges in its order, as an incremental build keeps them, with some
        // dropped, new pieces between them longer or shorter than what they replace (so ranges
        // move left and right by differing amounts), and the odd piece equal to the old bytes.
        var expected: [UInt8] = []
        var cursor = 0
        while cursor < old.count {
            switch next(5) {
            case 0, 1:
                let end = min(old.count, cursor + 1 + next(40))
                try writer.appendOld(cursor..<end)
                expected += old[cursor..<end]
                cursor = end
            case 2:
                let text = String(repeating: "n", count: next(seed % 3 == 0 ? 3 : 60))
                try writer.append(text)
                expected += Array(text.utf8)
            case 3:
                cursor = min(old.count, cursor + next(30))
            default:
                let end = min(old.count, cursor + next(4))
                try writer.append(String(decoding: old[cursor..<end], as: UTF8.self))
                expected += old[cursor..<end]
                cursor = end
            }
        }
        try writer.close()
        let pieces = try #require(writer.plan)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("staged").path))
        // Moved through a buffer smaller than most ranges here would be a different test; the
        // chunk is 256 KB, so a large old file below checks moves in several chunks.
        let edit = try #require(InPlaceEdit(oldURL.path, pieces: pieces, old: mapped))
        try edit.apply()
        #expect(try [UInt8](Data(contentsOf: oldURL)) == expected)
    }

    @Test("ranges moved further than one chunk, left and right, arrive whole", arguments: [-70_001, -3, 5, 300_007])
    func longMoves(shift: Int) throws {
        let folder = try ShareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // About 1.6 MB: numbered lines, so any misplaced chunk shows.
        let old = Array((0..<150_000).map { "line \($0)\n" }.joined().utf8)
        let oldURL = folder.appendingPathComponent("old")
        try Data(old).write(to: oldURL)
        let mapped = try #require(MappedFile(oldURL.path))
        // The first third stays, the middle is replaced by a piece `shift` bytes longer, the
        // rest moves by `shift`.
        let a = old.count / 3, b = 2 * old.count / 3
        let middle = [UInt8](repeating: UInt8(ascii: "m"), count: b - a + shift)
        let pieces: [ExportPiece] = [.old(0..<a), .new(middle), .old(b..<old.count)]
        let edit = try #require(InPlaceEdit(oldURL.path, pieces: pieces, old: mapped))
        try edit.apply()
        #expect(try [UInt8](Data(contentsOf: oldURL)) == Array(old[0..<a]) + middle + Array(old[b...]))
    }

    @Test("a file linked elsewhere, replaced since it was mapped, or with ranges out of order is not edited in place")
    func notInPlace() throws {
        let folder = try ShareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = Array("0123456789abcdefghij".utf8)
        let oldURL = folder.appendingPathComponent("old")
        try Data(old).write(to: oldURL)
        let mapped = try #require(MappedFile(oldURL.path))
        let grows: [ExportPiece] = [.old(0..<10), .new(Array("new".utf8)), .old(10..<20)]
        // Out of order: a campaign moved in the list.
        #expect(InPlaceEdit(oldURL.path, pieces: [.old(10..<20), .old(0..<10)], old: mapped) == nil)
        #expect(InPlaceEdit(oldURL.path, pieces: [.old(0..<10), .old(5..<20)], old: mapped) == nil)
        #expect(InPlaceEdit(oldURL.path, pieces: [.old(0..<21)], old: mapped) == nil)
        // A second name for the file.
        let link = folder.appendingPathComponent("backup")
        #expect(Glibc.link(oldURL.path, link.path) == 0)
        #expect(InPlaceEdit(oldURL.path, pieces: grows, old: mapped) == nil)
        #expect(unlink(link.path) == 0)
        #expect(InPlaceEdit(oldURL.path, pieces: grows, old: mapped) != nil)
        // Another file put in its place.
        try Data(old).write(to: folder.appendingPathComponent("other"))
        #expect(rename(folder.appendingPathComponent("other").path, oldURL.path) == 0)
        #expect(InPlaceEdit(oldURL.path, pieces: grows, old: mapped) == nil)
        #expect(try [UInt8](Data(contentsOf: oldURL)) == old)
    }

    @Test("a deferred writer past its limit of new bytes writes its file after all, and writeStaged writes one still deferred",
          arguments: [8, 1 << 20])
    func deferredWrites(limit: Int) throws {
        let folder = try ShareFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let old = Array("first,second,third,".utf8)
        try Data(old).write(to: folder.appendingPathComponent("old"))
        let mapped = try #require(MappedFile(folder.appendingPathComponent("old").path))
        let staged = folder.appendingPathComponent("staged")
        let writer = try ExportWriter(staged.path, old: mapped, runLimit: 4, deferred: true, planLimit: limit)
        try writer.appendOld(0..<6)
        try writer.append("changed,")
        try writer.appendOld(13..<19)
        try writer.append("fourth and more,")
        try writer.close()
        let expected = Array("first,changed,third,fourth and more,".utf8)
        if limit == 8 {
            #expect(writer.plan == nil)
        } else {
            #expect(writer.plan == [.old(0..<6), .new(Array("changed,".utf8)), .old(13..<19), .new(Array("fourth and more,".utf8))])
            #expect(!FileManager.default.fileExists(atPath: staged.path))
            try writer.writeStaged()
        }
        #expect(try [UInt8](Data(contentsOf: staged)) == expected)
        #expect(try [UInt8](Data(contentsOf: folder.appendingPathComponent("old"))) == old)
    }
}
