import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// An HTTP POST of the reminder's JSON to a receiver (a WhatsApp gateway, a chat bot).
///
/// Every request carries `Idempotency-Key` (the reminder's stable key), so a receiver can drop
/// a repeat after a crash, and, with a secret configured, `X-Gugus-Signature: sha256=<hex>`:
/// the HMAC-SHA256 of the body.
public struct WebhookChannel: ReminderChannel {
    let client: HTTPClient
    let defaultURL: String?
    let secret: Data?
    let timeout: Duration
    let concurrency: Int

    public init(client: HTTPClient = .shared, defaultURL: String?, secret: String?, timeout: Duration = .seconds(10), concurrency: Int = 16) {
        self.client = client
        self.defaultURL = defaultURL
        self.secret = secret.map { Data($0.utf8) }
        self.timeout = timeout
        self.concurrency = concurrency
    }

    public func deliver(_ deliveries: [Delivery]) async -> [Result<Void, DeliveryError>] {
        await deliverConcurrently(deliveries, limit: concurrency) { delivery in
            await send(delivery)
        }
    }

    func send(_ delivery: Delivery) async -> Result<Void, DeliveryError> {
        guard let url = delivery.webhookURL ?? defaultURL else {
            return .failure(DeliveryError("no webhook URL: give the rule --webhook-url or set GUGUS_WEBHOOK_URL", permanent: true))
        }
        var payload = delivery.payload
        payload.deliveredAt = Date()
        let body = Data(payload.json())
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Idempotency-Key", value: delivery.idempotencyKey)
        request.headers.add(name: "User-Agent", value: "gugus-scheduler")
        if let secret {
            let signature = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }.joined()
            request.headers.add(name: "X-Gugus-Signature", value: "sha256=\(signature)")
        }
        request.body = .bytes(ByteBuffer(data: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            // Drain the body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            switch response.status.code {
            case 200..<300:
                return .success(())
            case 408, 429, 500...:
                return .failure(DeliveryError("webhook \(url) answered \(response.status.code)"))
            default:
                return .failure(DeliveryError("webhook \(url) refused the reminder with \(response.status.code)", permanent: true))
            }
        } catch {
            return .failure(DeliveryError("webhook \(url) not reached: \(error)"))
        }
    }
}

/// Runs `deliver` for each item with at most `limit` at once, keeping the results in order.
func deliverConcurrently(
    _ deliveries: [Delivery], limit: Int, _ deliver: @escaping @Sendable (Delivery) async -> Result<Void, DeliveryError>
) async -> [Result<Void, DeliveryError>] {
    var results = [Result<Void, DeliveryError>?](repeating: nil, count: deliveries.count)
    await withTaskGroup(of: (Int, Result<Void, DeliveryError>).self) { group in
        var next = 0
        func start() {
            guard next < deliveries.count else { return }
            let index = next
            let delivery = deliveries[index]
            group.addTask { (index, await deliver(delivery)) }
            next += 1
        }
        for _ in 0..<min(limit, deliveries.count) { start() }
        while let (index, result) = await group.next() {
            results[index] = result
            start()
        }
    }
    return results.map { $0 ?? .failure(DeliveryError("not delivered")) }
}
