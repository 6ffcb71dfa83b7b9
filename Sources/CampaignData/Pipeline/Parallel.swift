import Dispatch

/// `transform(i)` for every index in `0..<count`, computed on every core, in order.
public func parallelMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
    }
    let box = UncheckedBuffer(results)
    let chunk = 32
    DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { c in
        for i in (c * chunk)..<min(count, (c + 1) * chunk) { box.buffer[i] = transform(i) }
    }
    return results.map { $0! }
}

/// `parallelMap` for a transform that can fail; the first failure (by index) is thrown.
public func parallelMapThrowing<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) throws -> T) throws -> [T] {
    let results = parallelMap(count) { i -> Result<T, Error> in Result { try transform(i) } }
    return try results.map { try $0.get() }
}

/// Lets disjoint indices of one buffer be written from several threads.
struct UncheckedBuffer<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T?>
    init(_ buffer: UnsafeMutableBufferPointer<T?>) { self.buffer = buffer }
}
