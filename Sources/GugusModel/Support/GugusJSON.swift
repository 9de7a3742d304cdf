import Foundation

/// The JSON Gugus speaks everywhere (`--json`, the HTTP API, the client): snake_case field
/// names, instants as ISO 8601 UTC, dates as `YYYY-MM-DD`. One definition keeps the CLI's
/// output and the API's identical.
public enum GugusJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(LocalTime.iso8601(date))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = LocalTime.instant(iso8601: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not an ISO 8601 instant such as 2025-05-06T02:00:00Z")
            }
            return date
        }
        return decoder
    }

    /// A decoding failure said as a field error: which field, and what was wrong with it.
    public static func problem(_ error: any Error) -> GugusError {
        guard let error = error as? DecodingError else {
            return GugusError(.invalid, Localized(
                id: "isi permintaan bukan JSON yang valid: \(error)", en: "the request body is not valid JSON: \(error)"))
        }
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { key in key.intValue.map(String.init) ?? snakeCase(key.stringValue) }
            return names.isEmpty ? "body" : names.joined(separator: ".")
        }
        let field: String
        let reason: String
        switch error {
        case .keyNotFound(let key, let context):
            field = (context.codingPath.map { snakeCase($0.stringValue) } + [snakeCase(key.stringValue)]).joined(separator: ".")
            return GugusError.invalid(field: field, value: nil, Localized(id: "kolom '\(field)' wajib diisi", en: "field '\(field)' is required"))
        case .valueNotFound(_, let context):
            field = path(context)
            reason = "is null"
        case .typeMismatch(let type, let context):
            field = path(context)
            reason = "should be \(type)"
        case .dataCorrupted(let context):
            field = path(context)
            reason = context.debugDescription
        @unknown default:
            field = "body"
            reason = "\(error)"
        }
        return GugusError.invalid(field: field, value: nil, Localized(id: "kolom '\(field)': \(reason)", en: "field '\(field)': \(reason)"))
    }

    static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}
