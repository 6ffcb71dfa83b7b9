import CampaignData

/// File names for campaign pages, safe whatever the id holds.
public enum Slugs {
    /// Lower-case ASCII letters, digits and single dashes; at most 64 characters.
    public static func base(_ id: String) -> String {
        var id = id
        var out = id.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? asciiBase(bytes) : nil } ?? unicodeBase(id)
        while out.hasSuffix("-") { out.removeLast() }
        if out.isEmpty { out = "campaign" }
        if out.utf8.count <= reservedLength, reserved.contains(out) { out += "-campaign" }
        return out
    }

    /// Names some file systems reserve.
    static let reserved: Set<String> = Set(["con", "prn", "aux", "nul", "index"] + (1...9).flatMap { ["com\($0)", "lpt\($0)"] })
    /// The longest reserved name's length: a longer slug needs no lookup.
    static let reservedLength = reserved.map(\.utf8.count).max() ?? 0

    /// `base` of an ASCII id, by bytes: made in a buffer on the stack, one string at the end
    /// (10,000 ids are turned into file names every build).
    static func asciiBase(_ id: UnsafeBufferPointer<UInt8>) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
            var count = 0
            var lastDash = true
            for byte in id {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if (lower >= 0x61 && lower <= 0x7A) || (lower >= 0x30 && lower <= 0x39) {
                    out[count] = lower
                    count += 1
                    lastDash = false
                } else if !lastDash {
                    out[count] = UInt8(ascii: "-")
                    count += 1
                    lastDash = true
                }
                if count >= 64 { break }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[..<count]), as: UTF8.self)
        }
    }

    /// `asciiBase` of an ASCII id's string.
    static func asciiBase(_ id: String) -> String {
        var id = id
        return id.withUTF8 { asciiBase($0) }
    }

    /// `base` of any id: lower-cased as Unicode first (an id's "K" may become "k").
    static func unicodeBase(_ id: String) -> String {
        var out = ""
        var lastDash = true
        for scalar in id.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
                lastDash = false
            } else if !lastDash {
                out.append("-")
                lastDash = true
            }
            if out.count >= 64 { break }
        }
        return out
    }

    /// Unique slugs for ids, independent of input order: an id whose base slug
    /// is shared with another id gets a short hash of the id appended.
    public static func assign(_ ids: [String]) -> [String] {
        let bases = ids.count < 2048 ? ids.map(base) : parallelMap(ids.count) { base(ids[$0]) }
        var uses: [String: Int] = [:]
        uses.reserveCapacity(ids.count)
        for b in bases { uses[b, default: 0] += 1 }
        // Every base slug distinct (the usual case): they are the slugs.
        if uses.count == bases.count { return bases }
        var result = zip(ids, bases).map { id, b in uses[b]! > 1 ? "\(b)-\(shortHash(id))" : b }
        // A hashed slug could, in theory, equal another id's plain slug; resolve deterministically.
        var seen = Set<String>(minimumCapacity: ids.count)
        for i in result.indices {
            var candidate = result[i]
            var n = 2
            while seen.contains(candidate) { candidate = "\(result[i])-\(n)"; n += 1 }
            seen.insert(candidate)
            result[i] = candidate
        }
        return result
    }

    /// 8 hex digits of FNV-1a 64 over the UTF-8 bytes.
    public static func shortHash(_ text: String) -> String {
        let h = fnv1a(Array(text.utf8))
        let hex = String(h >> 32, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
