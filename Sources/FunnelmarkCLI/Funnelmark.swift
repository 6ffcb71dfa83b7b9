import CampaignData
import Foundation
import Synchronization
import Mustache
import ReportSite

/// Where a command writes: stdout for results, stderr for diagnostics.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether stderr is a terminal (progress is shown only then).
    public var errIsTerminal: Bool
    /// Keeps a large value (a loaded dataset) until the process exits, when the system takes
    /// back all memory at once: releasing 10,000 campaigns object by object took about a tenth
    /// of an incremental rebuild. nil (in-process callers such as tests) lets values go as usual.
    public var keepUntilExit: (@Sendable (any Sendable) -> Void)?

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, errIsTerminal: Bool = false,
                keepUntilExit: (@Sendable (any Sendable) -> Void)? = nil) {
        self.out = out
        self.err = err
        self.errIsTerminal = errIsTerminal
        self.keepUntilExit = keepUntilExit
    }

    public static let standard = Console(
        out: { FileHandle.standardOutput.write(Data($0.utf8)) },
        err: { FileHandle.standardError.write(Data($0.utf8)) },
        errIsTerminal: isatty(2) == 1,
        keepUntilExit: { value in keptUntilExit.withLock { $0.append(value) } }
    )
}

/// What `Console.standard` keeps until the process exits.
private let keptUntilExit = Mutex<[any Sendable]>([])

/// Exit codes of DESIGN.md (sysexits).
public enum ExitCode: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
}

/// The `funnelmark` command line, callable without a process.
public enum Funnelmark {
    public static let version = Help.version

    /// Runs the command line and returns the exit code.
    public static func run(_ arguments: [String], console: Console = .standard,
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        do {
            try dispatch(arguments, console: console, environment: environment)
            return ExitCode.success.rawValue
        } catch {
            let (code, message) = describe(error)
            console.err("funnelmark: error: \(message)\n")
            if code == .usage {
                let command = (error as? UsageError)?.command
                console.err("Run 'funnelmark \(command.map { $0 + " " } ?? "")--help' for usage.\n")
            }
            return code.rawValue
        }
    }

    /// The exit code and message for an error.
    static func describe(_ error: Error) -> (ExitCode, String) {
        switch error {
        case let e as UsageError: return (.usage, e.message)
        case let e as InputError: return (e.kind == .missing ? .noInput : .dataError, e.description)
        case let e as TemplateError: return (.dataError, e.description)
        case let e as OutputError: return (.cannotCreate, e.description)
        default: return (.failure, String(describing: error))
        }
    }

    /// Entry point of the executable.
    public static func main() -> Never {
        let code = run(Array(CommandLine.arguments.dropFirst()))
        exit(code)
    }

    static func dispatch(_ arguments: [String], console: Console, environment: [String: String]) throws {
        guard let command = arguments.first else {
            console.err(Help.main)
            throw UsageError(message: "no command given; expected build, report, metrics, check or mustache", command: nil)
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "--help", "-h", "help":
            console.out(Help.main)
            return
        case "--version", "-V":
            console.out("funnelmark \(version)\n")
            return
        default: break
        }
        if rest.contains("--help") || rest.contains("-h"), ["build", "report", "metrics", "check", "mustache"].contains(command) {
            console.out(Help.text(for: command))
            return
        }
        if rest.contains("--version") {
            console.out("funnelmark \(version)\n")
            return
        }
        switch command {
        case "build": try Commands.build(rest, console: console, environment: environment)
        case "report": try Commands.report(rest, console: console, environment: environment)
        case "metrics": try Commands.metrics(rest, console: console)
        case "check": try Commands.check(rest, console: console)
        case "mustache": try Commands.mustache(rest, console: console)
        default:
            throw UsageError(message: "unknown command \(quotedArg(command)); expected build, report, metrics, check or mustache", command: nil)
        }
    }
}
