/// The UTM parameters in a link's URL (percent-decoded,
/// `+` as a space, the first non-empty occurrence of each name wins), found by one pass over the
/// URL's bytes that decodes only the names it must and the values it keeps.
struct LinkUTM {
    var source: String?
    var medium: String?
    var campaign: String?
    var term: String?
    var content: String?

    /// The names, in `UTMParameters` order.
    static let names: [[UInt8]] = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"].map { Array($0.utf8) }

    init(url: String) {
        var url = url
        url.withUTF8 { bytes in
            guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return }
            var end = bytes.count
            if let hash = bytes[(question + 1)...].firstIndex(of: UInt8(ascii: "#")) { end = hash }
            var start = question + 1
            while start < end {
                var stop = start
                while stop < end, bytes[stop] != UInt8(ascii: "&") { stop += 1 }
                var equals = start
                while equals < stop, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                // An empty value counts as absent (decoding never empties a non-empty value).
                if equals + 1 < stop, let slot = LinkUTM.slot(UnsafeBufferPointer(rebasing: bytes[start..<equals])), self[slot] == nil {
                    self[slot] = LinkUTM.decoded(UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<stop]))
                }
                start = stop + 1
            }
        }
    }

    /// The parameter at `slot` (0 = utm_source … 4 = utm_content).
    subscript(slot: Int) -> String? {
        get {
            switch slot {
            case 0: source
            case 1: medium
            case 2: campaign
            case 3: term
            default: content
            }
        }
        set {
            switch slot {
            case 0: source = newValue
            case 1: medium = newValue
            case 2: campaign = newValue
            case 3: term = newValue
            default: content = newValue
            }
        }
    }

    /// Which UTM name `name` is once decoded (names are case-sensitive), if any.
    static func slot(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
        // Only a name with % or + changes when decoded.
        if isEncoded(name) {
            // The decoded text equals a (plain ASCII) UTM name exactly when its bytes do.
            return names.firstIndex(of: decodedBytes(name))
        }
        // Compared in place: most query names (and every UTM name) are plain, and copying
        // each into an array to compare it cost an allocation per parameter.
        return names.firstIndex { $0.elementsEqual(name) }
    }

    /// Whether decoding changes `bytes` (they hold a `%` or a `+`).
    static func isEncoded(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }
    }

    /// `%XX` → byte, `+` → space; a `%` not followed by two hex digits stays as it is.
    static func decodedBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
            }
        }
        return out
    }

    /// The decoded text (invalid UTF-8 repaired).
    static func decoded(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        isEncoded(bytes) ? String(decoding: decodedBytes(bytes), as: UTF8.self) : String(decoding: bytes, as: UTF8.self)
    }
}

extension UTMParameters {
    /// The UTM parameters in a link's URL, read in one pass (what `utmParameters(of:)` returns).
    public init(linkURL url: String) {
        let utm = LinkUTM(url: url)
        self.init(source: utm.source, medium: utm.medium, campaign: utm.campaign, term: utm.term, content: utm.content)
    }
}
