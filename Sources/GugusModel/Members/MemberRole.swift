import Foundation

/// A member's role in a task force, as the decree names it.
public enum MemberRole: String, Sendable, Codable, CaseIterable {
    case ketua
    case wakilKetua = "wakil_ketua"
    case sekretaris
    case wakilSekretaris = "wakil_sekretaris"
    case anggota

    /// The roles a task force cannot work without; status lists them when vacant.
    public static let core: [MemberRole] = [.ketua, .sekretaris]

    /// Parses a role as typed (any case, spaces or hyphens for underscores), or says which
    /// roles exist.
    public static func parse(_ text: String, field: String = "role") throws(GugusError) -> MemberRole {
        let normalized = text.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let role = MemberRole(rawValue: normalized) { return role }
        let valid = allCases.map(\.rawValue).joined(separator: ", ")
        throw GugusError.invalid(
            field: field, value: text,
            Localized(
                id: "peran '\(text)' tidak dikenal; pilih salah satu: \(valid)",
                en: "unknown role '\(text)'; use one of: \(valid)"))
    }
}
