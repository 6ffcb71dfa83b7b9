import Bytes

// MARK: - ByteOutput

/// Where escapers write: an array of bytes, or a render's `ByteBuffer`.
public protocol ByteOutput: ~Copyable {
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
    mutating func append(_ byte: UInt8)
}

extension Array: ByteOutput where Element == UInt8 {
    @inlinable public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

// MARK: - ByteBuffer

/// The bytes a render writes: a growable buffer that owns its memory.
///
/// A page render appends a thousand short pieces (literal text, values, entities); an
/// `Array`'s append checks uniqueness through the runtime and goes through its generic copy
/// every time, which cost more than the copying. Being noncopyable, this buffer needs no
/// copy-on-write: an append is a capacity check and a copy.
public struct ByteBuffer: ~Copyable, ByteOutput {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var used: Int
    /// How many bytes the buffer holds.
    public var count: Int { used }

    public init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        used = 0
    }

    deinit { base.deallocate() }

    @inlinable public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        let end = used + bytes.count
        if end > capacity { grow(to: end) }
        copyBytes(from: source, to: base + used, count: bytes.count)
        used = end
    }

    @inlinable public mutating func append(_ byte: UInt8) {
        if used == capacity { grow(to: used + 1) }
        base[used] = byte
        used += 1
    }

    public mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Appends a string's UTF-8 bytes (a native string's read where they are, without copying
    /// the string and so taking a reference count).
    public mutating func append(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append($0) }) == nil {
            var copy = text
            copy.withUTF8 { append($0) }
        }
    }

    /// Puts `bytes` at `index`, moving what follows.
    public mutating func insert(_ bytes: [UInt8], at index: Int) {
        precondition(index >= 0 && index <= used, "ByteBuffer.insert: index out of range")
        guard !bytes.isEmpty else { return }
        let end = used + bytes.count
        if end > capacity { grow(to: end) }
        (base + index + bytes.count).update(from: base + index, count: used - index)
        bytes.withUnsafeBufferPointer { (base + index).update(from: $0.baseAddress!, count: $0.count) }
        used = end
    }

    /// The bytes, for reading while the buffer is not changed.
    public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        try body(UnsafeBufferPointer(start: base, count: used))
    }

    /// Room for at least `minimum` bytes: doubles, so appends cost constant time on average.
    @usableFromInline mutating func grow(to minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        memory.update(from: base, count: used)
        base.deallocate()
        base = memory
        capacity = newCapacity
    }
}
