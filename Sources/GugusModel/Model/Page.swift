/// One page of a list, and where the next one starts.
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public var items: [Item]
    /// Pass as `after` to get the next page; nil on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Which page of a list to return.
public struct PageRequest: Sendable, Hashable, Codable {
    public static let defaultLimit = 100
    public static let maximumLimit = 1000

    public var limit: Int
    public var after: String?

    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) {
        self.limit = limit
        self.after = after
    }

    /// A limit checked against the bounds, for the API's `limit` parameter.
    public static func validated(limit: Int?, after: String?) throws(GugusError) -> PageRequest {
        let limit = limit ?? defaultLimit
        guard (1...maximumLimit).contains(limit) else {
            throw GugusError.invalid(field: "limit", value: String(limit), Localized(
                id: "limit \(limit) di luar batas; gunakan 1 sampai \(maximumLimit)",
                en: "limit \(limit) is out of range; use 1 to \(maximumLimit)"))
        }
        return PageRequest(limit: limit, after: after)
    }

    /// The id after which a keyset page starts.
    public func afterID() throws(GugusError) -> Int64 {
        guard let after else { return 0 }
        guard let id = Int64(after), id >= 0 else {
            throw GugusError.invalid(field: "after", value: after, Localized(
                id: "kursor '\(after)' tidak valid; gunakan next_cursor dari halaman sebelumnya",
                en: "cursor '\(after)' is not valid; use the next_cursor of the previous page"))
        }
        return id
    }
}
