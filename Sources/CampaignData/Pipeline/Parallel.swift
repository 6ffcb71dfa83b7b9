import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `body(i)` for every index in `0..<count`, on every core; returns when all are done.
/// - Parameter grain: how many consecutive indices one task runs (small work items are cheaper
///   in runs; a few large ones want 1).
@inlinable
public func parallelFor(_ count: Int, grain: Int = 32, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let chunk = max(1, grain)
    let tasks = (count + chunk - 1) / chunk
    if tasks == 1 {
        for i in 0..<count { body(i) }
        return
    }
    DispatchQueue.concurrentPerform(iterations: tasks) { c in
        for i in (c * chunk)..<min(count, (c + 1) * chunk) { body(i) }
    }
}

/// `transform(i)` for every index in `0..<count`, computed on every core, in order (each
/// result written straight into place).
@inlinable
public func parallelMap<T: Sendable>(_ count: Int, grain: Int = 32, _ transform: @Sendable (Int) -> T) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let out = UncheckedBuffer(buffer)
        parallelFor(count, grain: grain) { i in out.buffer.initializeElement(at: i, to: transform(i)) }
        initialized = count
    }
}

/// `parallelMap` for a transform that can fail; the first failure (by index) is thrown.
///
/// Inlinable, as are `parallelMap` and `parallelFor`, so that callers in other modules get them
/// specialized for their `T` (unspecialized, each element looked up `Result`'s metadata at run time).
@inlinable
public func parallelMapThrowing<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) throws -> T) throws -> [T] {
    let results = parallelMap(count) { i -> Result<T, Error> in Result { try transform(i) } }
    return try results.map { try $0.get() }
}

/// How many cores are online (at least 1).
var activeProcessorCount: Int {
    #if canImport(Glibc) || canImport(Darwin)
    return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
    return 1
    #endif
}

/// Lets disjoint indices of one buffer be written from several threads.
@usableFromInline
struct UncheckedBuffer<T>: @unchecked Sendable {
    @usableFromInline let buffer: UnsafeMutableBufferPointer<T>
    @usableFromInline init(_ buffer: UnsafeMutableBufferPointer<T>) { self.buffer = buffer }
}
