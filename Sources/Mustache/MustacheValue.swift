// MARK: - MustacheValue

/// The data a template renders: a JSON-like tree, plus `trusted` text that is never escaped.
///
/// Truthiness (what a `{{#name}}` section tests): `null`, `false`, `0`, `0.0`, the empty
/// string and the empty list are falsey; everything else, including every object, is truthy.
public enum MustacheValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    /// Text that must never be escaped (already-safe markup made by the caller).
    case trusted(String)
    case array([MustacheValue])
    case object([String: MustacheValue])
}

// MARK: - Truthiness and text

extension MustacheValue {
    /// Whether a section over this value renders (and an inverted section does not).
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .double(let value): value != 0
        case .string(let text), .trusted(let text): !text.isEmpty
        case .array(let items): !items.isEmpty
        case .object: true
        }
    }

    /// The text a scalar interpolates as, before any escaping: integers without a
    /// fraction, decimals in their shortest exact form (`1.21`), integral decimals
    /// without `.0`, booleans as `true`/`false`, `null` as nothing.
    var scalarText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): Self.format(value)
        case .string(let text), .trusted(let text): text
        case .array, .object: ""
        }
    }

    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.description
    }
}

// MARK: - Literals

extension MustacheValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension MustacheValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension MustacheValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension MustacheValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension MustacheValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: MustacheValue...) { self = .array(elements) }
}

extension MustacheValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension MustacheValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}
