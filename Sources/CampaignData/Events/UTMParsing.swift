/// The UTM parameters in a URL's query (`utm_source`, `utm_medium`,
/// `utm_campaign`, `utm_term`, `utm_content`), percent-decoded, with `+` read
/// as a space (form encoding, as analytics tools read it). The first
/// occurrence of a name wins; an empty value counts as absent; names are
/// case-sensitive. Empty when the URL has none.
public func utmParameters(of url: String) -> UTMParameters {
    var result = UTMParameters()
    let bytes = Array(url.utf8)
    guard let question = bytes.firstIndex(of: UInt8(ascii: "?")) else { return result }
    var end = bytes.count
    if let hash = bytes[(question + 1)...].firstIndex(of: UInt8(ascii: "#")) { end = hash }
    var start = question + 1
    while start < end {
        var stop = start
        while stop < end, bytes[stop] != UInt8(ascii: "&") { stop += 1 }
        let pair = bytes[start..<stop]
        start = stop + 1
        let equals = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
        let name = percentDecoded(pair[pair.startIndex..<equals])
        let value = equals < pair.endIndex ? percentDecoded(pair[(equals + 1)...]) : ""
        guard !value.isEmpty else { continue }
        switch name {
        case "utm_source": if result.source == nil { result.source = value }
        case "utm_medium": if result.medium == nil { result.medium = value }
        case "utm_campaign": if result.campaign == nil { result.campaign = value }
        case "utm_term": if result.term == nil { result.term = value }
        case "utm_content": if result.content == nil { result.content = value }
        default: break
        }
    }
    return result
}

/// `%XX` → byte, `+` → space; a `%` not followed by two hex digits stays as it is.
private func percentDecoded(_ bytes: ArraySlice<UInt8>) -> String {
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
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let b = bytes[i]
        if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) {
            out.append(hi << 4 | lo)
            i += 3
        } else {
            out.append(b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
