import Foundation

/// One JSON line per reminder, on stdout or appended to a file: for development, for
/// auditors, and for pipes into other systems.
public final class LogChannel: ReminderChannel, @unchecked Sendable {
    // Guarded by `lock`; a FileHandle is not safe to write from two threads at once.
    private let handle: FileHandle
    private let lock = NSLock()

    public init(path: String?) throws {
        if let path {
            // O_APPEND: every write goes to the end as it is then, so several schedulers (or
            // processes) sharing one log file add lines instead of writing over each other's.
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw DeliveryError("cannot open the reminder log \(path) for writing: \(String(cString: strerror(errno)))", permanent: true)
            }
            self.handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        } else {
            handle = FileHandle.standardOutput
        }
    }

    public func deliver(_ deliveries: [Delivery]) async -> [Result<Void, DeliveryError>] {
        var buffer: [UInt8] = []
        for delivery in deliveries {
            var line = delivery.payload
            line.deliveredAt = Date()
            buffer.append(contentsOf: line.json())
            buffer.append(UInt8(ascii: "\n"))
        }
        let written: Result<Void, any Error> = lock.withLock { Result { try handle.write(contentsOf: buffer) } }
        if case .failure(let error) = written {
            return deliveries.map { _ in .failure(DeliveryError("cannot write the reminder log: \(error)")) }
        }
        return deliveries.map { _ in .success(()) }
    }
}
