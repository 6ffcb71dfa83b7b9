/// A bad command line (exit 64).
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var command: String?
    public var description: String { message }
}

/// Parsed flags and positional arguments of one command.
struct Arguments {
    var options: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    /// Parses `args` against the command's known options (take a value) and flags (don't).
    init(_ args: [String], command: String, options known: Set<String>, flags knownFlags: Set<String>, aliases: [String: String] = [:]) throws(UsageError) {
        var i = 0
        while i < args.count {
            var arg = args[i]
            i += 1
            if arg == "--" {
                positionals += args[i...]
                break
            }
            guard arg.hasPrefix("-"), arg != "-" else {
                positionals.append(arg)
                continue
            }
            var inlineValue: String?
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                inlineValue = String(arg[arg.index(after: eq)...])
                arg = String(arg[..<eq])
            }
            if let alias = aliases[arg] { arg = alias }
            if knownFlags.contains(arg) {
                guard inlineValue == nil else { throw UsageError(message: "\(arg) takes no value", command: command) }
                flags.insert(arg)
            } else if known.contains(arg) {
                if let inlineValue {
                    options[arg] = inlineValue
                } else {
                    guard i < args.count else { throw UsageError(message: "\(arg) needs a value", command: command) }
                    options[arg] = args[i]
                    i += 1
                }
            } else {
                let all = (known.union(knownFlags)).sorted().joined(separator: ", ")
                throw UsageError(message: "unknown option \(quotedArg(arg)) for '\(command)'; expected one of \(all)", command: command)
            }
        }
    }

    func required(_ name: String, command: String) throws(UsageError) -> String {
        guard let value = options[name], !value.isEmpty else {
            throw UsageError(message: "'\(command)' needs \(name)", command: command)
        }
        return value
    }
}

func quotedArg(_ s: String) -> String { "'" + s + "'" }
