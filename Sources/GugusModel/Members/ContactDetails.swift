// A member's e-mail address and phone number: personal data under UU PDP 27/2022, so they
// are checked and normalised once, where they enter, and carried as types from then on.

/// An e-mail address that passed a practical check: the shape real mail servers accept,
/// not every corner of RFC 5322 (no quoted local parts, comments or IP-literal domains),
/// because an address of that kind in a task-force roster is a typo, not a real address.
public struct EmailAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The address as typed, trimmed, with the domain lowercased.
    public let address: String
    /// The form used for comparison: the whole address lowercased. The local part is kept
    /// as typed in `address` (strictly it is case-sensitive), but no real mail system treats
    /// `Budi@` and `budi@` as two people, and re-import matches people on this form.
    public let normalized: String

    public init(parsing text: String, field: String = "email") throws(GugusError) {
        let trimmed = text.trimmingWhitespace
        guard let parts = Self.split(trimmed) else {
            throw Self.invalid(text, field: field)
        }
        let domain = parts.domain.lowercased()
        address = parts.local + "@" + domain
        normalized = parts.local.lowercased() + "@" + domain
    }

    public var localPart: Substring { address[..<(address.lastIndex(of: "@") ?? address.endIndex)] }
    public var domain: Substring { address[address.index(after: address.lastIndex(of: "@") ?? address.startIndex)...] }

    public var description: String { address }

    // Two spellings of one mailbox are one address.
    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        lhs.normalized == rhs.normalized
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(normalized)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try EmailAddress(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message.en)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(address)
    }

    // MARK: Validation

    /// Limits from RFC 5321: 64 octets for the local part, 254 for a usable address
    /// (the 256-octet path minus its angle brackets), 63 for a domain label.
    private static let maxAddressLength = 254
    private static let maxLocalLength = 64
    private static let maxLabelLength = 63

    /// The RFC 5322 `atext` specials allowed besides letters and digits in an unquoted local part.
    private static let localSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    /// The local part and domain, or nil when the address is not one we accept.
    private static func split(_ address: String) -> (local: String, domain: String)? {
        let bytes = Array(address.utf8)
        guard !bytes.isEmpty, bytes.count <= maxAddressLength,
              let at = bytes.firstIndex(of: UInt8(ascii: "@")),
              bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return nil }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard isValidLocalPart(local), isValidDomain(domain) else { return nil }
        // Both halves are ASCII by now, so slicing the bytes cannot split a character.
        return (String(decoding: local, as: UTF8.self), String(decoding: domain, as: UTF8.self))
    }

    private static func isValidLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        guard !local.isEmpty, local.count <= maxLocalLength,
              local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !containsDoubleDot(local)
        else { return false }
        return local.allSatisfy { isASCIIAlphanumeric($0) || $0 == UInt8(ascii: ".") || localSpecials.contains($0) }
    }

    private static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        // Splitting keeps empty labels, so "a..b", ".a" and "a." fail on their empty label.
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= maxLabelLength,
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        // A top-level domain is never numeric: "budi@10.0.0.1" is not a mail domain.
        guard let tld = labels.last, tld.count >= 2,
              tld.contains(where: { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return false }
        return true
    }

    private static func containsDoubleDot(_ bytes: ArraySlice<UInt8>) -> Bool {
        zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: false
        }
    }

    private static func invalid(_ text: String, field: String) -> GugusError {
        if text.trimmingWhitespace.isEmpty {
            return .invalid(
                field: field, value: text,
                Localized(
                    id: "alamat e-mail kosong; tulis seperti nama@instansi.go.id",
                    en: "the e-mail address is empty; write it like nama@instansi.go.id"))
        }
        return .invalid(
            field: field, value: text,
            Localized(
                id: "'\(text)' bukan alamat e-mail yang valid; tulis seperti nama@instansi.go.id",
                en: "'\(text)' is not a valid e-mail address; write it like nama@instansi.go.id"))
    }
}

/// A phone number in E.164 form ("+6281234567890"), whatever way it was typed.
///
/// Rosters are typed by hand in spreadsheets, so the same number arrives as "0812-3456-7890",
/// "+62 812 3456 7890" or "62812…". One canonical form lets reminders reach it and lets
/// re-import recognise it.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// "+" followed by the country code and the subscriber number, digits only.
    public let e164: String

    public init(parsing text: String, field: String = "phone") throws(GugusError) {
        let trimmed = text.trimmingWhitespace
        guard !trimmed.isEmpty else {
            throw .invalid(
                field: field, value: text,
                Localized(
                    id: "nomor telepon kosong; tulis seperti 0812-3456-7890",
                    en: "the phone number is empty; write it like 0812-3456-7890"))
        }
        // Separators people type between digit groups. Anything else (letters, "/", "ext")
        // is refused rather than guessed at.
        var compact = trimmed.unicodeScalars.filter { !Self.separators.contains($0) }
        let international = compact.first == "+"
        if international { compact.removeFirst() }
        guard !compact.isEmpty, compact.allSatisfy({ ("0"..."9").contains($0) }) else {
            throw Self.invalid(text, field: field)
        }
        let digits = String(compact)

        if let e164 = Self.e164(digits: digits, international: international) {
            self.e164 = e164
        } else if !international, digits.first == "8", (9...12).contains(digits.count) {
            // Spreadsheets store phone columns as numbers and drop the leading 0.
            throw .invalid(
                field: field, value: text,
                Localized(
                    id: "'\(text)' bukan nomor telepon yang lengkap; angka 0 di depan mungkin hilang oleh spreadsheet: tulis 0\(digits) dan format kolomnya sebagai teks",
                    en: "'\(text)' is not a complete phone number; the spreadsheet may have dropped its leading 0: write 0\(digits) and format the column as text"))
        } else {
            throw Self.invalid(text, field: field)
        }
    }

    /// Whether the number is Indonesian (+62).
    public var isIndonesian: Bool { e164.hasPrefix("+62") }

    public var description: String { e164 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try PhoneNumber(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message.en)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }

    // MARK: Normalisation

    private static let separators: Set<Unicode.Scalar> = [" ", "\u{00A0}", "\t", "-", "\u{2013}", ".", "(", ")"]

    /// Indonesian national significant numbers (after +62) are 8 to 13 digits: landlines
    /// like 921 312345 (Ternate) up to 13-digit mobile numbers.
    private static let indonesianDigits = 8...13
    /// E.164 allows at most 15 digits including the country code; fewer than 8 is no
    /// real international number.
    private static let internationalDigits = 8...15

    private static func e164(digits: String, international: Bool) -> String? {
        let national: Substring
        if international || digits.hasPrefix("62") {
            guard digits.hasPrefix("62") else {
                // Another country: E.164 only asks for a country code that does not start with 0.
                guard digits.first != "0", internationalDigits.contains(digits.count) else { return nil }
                return "+" + digits
            }
            // "+62 (0)921 …" is a common way to write the trunk 0 that callers abroad drop.
            let afterCountryCode = digits.dropFirst(2)
            national = afterCountryCode.first == "0" ? afterCountryCode.dropFirst() : afterCountryCode
        } else if digits.first == "0" {
            national = digits.dropFirst()
        } else {
            return nil
        }
        guard national.first != "0", indonesianDigits.contains(national.count) else { return nil }
        return "+62" + national
    }

    private static func invalid(_ text: String, field: String) -> GugusError {
        .invalid(
            field: field, value: text,
            Localized(
                id: "'\(text)' bukan nomor telepon yang valid; tulis nomor Indonesia seperti 0812-3456-7890 atau (0921) 312345, atau nomor luar negeri dengan kode negara seperti +65 6123 4567",
                en: "'\(text)' is not a valid phone number; write an Indonesian number like 0812-3456-7890 or (0921) 312345, or a foreign one with its country code like +65 6123 4567"))
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace, including the no-break spaces that
    /// spreadsheets paste in.
    fileprivate var trimmingWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
