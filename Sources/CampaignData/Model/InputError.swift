/// A problem with the user's input, with where it is and what was expected.
///
/// Every loader throws this one shape, so the command line can print
/// `funnelmark: error: FILE:LINE:COL: message` and pick the exit code.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A file or folder that does not exist (exit 66).
        case missing
        /// Data that is malformed or inconsistent (exit 65).
        case invalid
    }

    public var kind: Kind
    /// Where the problem is; `nil` when only a path is known (then `path` says which).
    public var location: SourceLocation?
    public var path: String?
    /// What is wrong, naming the bad value and what was expected.
    public var message: String

    public init(_ kind: Kind, at location: SourceLocation, _ message: String) {
        self.kind = kind
        self.location = location
        self.path = location.file
        self.message = message
    }

    public init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.location = nil
        self.path = path
        self.message = message
    }

    /// `FILE:LINE:COL: message`, or `FILE: message` without a position.
    public var description: String {
        if let location { return "\(location): \(message)" }
        if let path { return "\(path): \(message)" }
        return message
    }
}

/// Quotes a value from the input for an error message, shortened if long.
public func quoted(_ value: String, limit: Int = 60) -> String {
    var text = value
    if text.count > limit { text = String(text.prefix(limit)) + "…" }
    var out = "\""
    for ch in text {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default: out.append(ch)
        }
    }
    return out + "\""
}
