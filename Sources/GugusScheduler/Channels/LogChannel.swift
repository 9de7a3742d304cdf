import Foundation
import Postgres

/// One JSON line per reminder, on stdout or appended to a file: for development, for
/// auditors, and for pipes into other systems.
public final class LogChannel: ReminderChannel, @unchecked Sendable {
    // Guarded by `lock`; a FileHandle is not safe to write from two threads at once.
    private let handle: FileHandle
    private let lock = NSLock()
    private let encoder: JSONEncoder

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
        encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Microseconds, so lateness can be measured from the output.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(PostgresTimestamp.format(date))
        }
    }

    public func deliver(_ deliveries: [Delivery]) async -> [Result<Void, DeliveryError>] {
        var buffer = Data()
        var results: [Result<Void, DeliveryError>] = []
        results.reserveCapacity(deliveries.count)
        for delivery in deliveries {
            var line = delivery.payload
            line.deliveredAt = Date()
            do {
                buffer.append(try encoder.encode(line))
                buffer.append(UInt8(ascii: "\n"))
                results.append(.success(()))
            } catch {
                results.append(.failure(DeliveryError("cannot encode reminder \(delivery.reminderID): \(error)", permanent: true)))
            }
        }
        let written: Result<Void, any Error> = lock.withLock { Result { try handle.write(contentsOf: buffer) } }
        if case .failure(let error) = written {
            return deliveries.map { _ in .failure(DeliveryError("cannot write the reminder log: \(error)")) }
        }
        return results
    }
}
