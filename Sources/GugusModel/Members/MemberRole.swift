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
}
