/// Who is asking, and what they may do. Every operation of ``Gugus`` checks its caller, so
/// the rules hold the same for the CLI on the database and for the HTTP API.
public struct Caller: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// The national secretariat: everything.
        case admin
        /// A regional coordinator: writes only to its own region's task force, and sees
        /// contact details only there.
        case coordinator
        /// GTN staff who review every province's Aksi BHAM reports (return, verify, score),
        /// and edit none; they read the registry as a coordinator does, without contacts.
        case reviewer
        /// Status and public session data only.
        case viewer
    }

    /// The name written in the audit log: the token's name, or `cli:<user>`.
    public var name: String
    public var role: Role
    /// A coordinator's region.
    public var regionCode: String?

    public init(name: String, role: Role, regionCode: String? = nil) {
        self.name = name
        self.role = role
        self.regionCode = regionCode
    }

    /// The local operator, who reaches the database directly and so may do everything.
    public static func localOperator(_ user: String) -> Caller {
        Caller(name: "cli:\(user)", role: .admin)
    }

    public var describedForRefusal: String {
        switch role {
        case .admin: "'\(name)' (admin)"
        case .coordinator: "'\(name)' (coordinator for \(regionCode ?? "?"))"
        case .reviewer: "'\(name)' (reviewer)"
        case .viewer: "'\(name)' (viewer)"
        }
    }

    /// May change this task force (its decrees, members, sessions).
    public func requireWrite(to taskForce: TaskForce) throws(GugusError) {
        switch role {
        case .admin:
            return
        case .coordinator where taskForce.regionCode != nil && taskForce.regionCode == regionCode:
            return
        case .coordinator:
            throw GugusError(.forbidden, Localized(
                id: "token \(describedForRefusal) hanya boleh mengubah gugus tugas wilayahnya sendiri, bukan \(taskForce.name)",
                en: "token \(describedForRefusal) may change only its own region's task force, not \(taskForce.name)"))
        case .reviewer:
            throw GugusError(.forbidden, Localized(
                id: "token \(describedForRefusal) hanya boleh membaca dan meninjau laporan, tidak mengubah \(taskForce.name)",
                en: "token \(describedForRefusal) may only read and review reports, not change \(taskForce.name)"))
        case .viewer:
            throw GugusError(.forbidden, Localized(
                id: "token \(describedForRefusal) hanya boleh membaca status dan sesi publik",
                en: "token \(describedForRefusal) may only read status and public sessions"))
        }
    }

    /// May read this task force's Aksi BHAM reports: admins and reviewers every one, a
    /// coordinator its own region's.
    public func requireReportRead(of taskForce: TaskForce) throws(GugusError) {
        switch role {
        case .admin, .reviewer:
            return
        case .coordinator where taskForce.regionCode != nil && taskForce.regionCode == regionCode:
            return
        case .coordinator, .viewer:
            throw GugusError(.forbidden, Localized(
                id: "token \(describedForRefusal) tidak boleh membaca laporan \(taskForce.name)",
                en: "token \(describedForRefusal) may not read the reports of \(taskForce.name)"))
        }
    }

    /// May return, verify and score reports: admins and reviewers.
    public func requireReview(of taskForce: TaskForce) throws(GugusError) {
        if role == .admin || role == .reviewer { return }
        throw GugusError(.forbidden, Localized(
            id: "token \(describedForRefusal) tidak boleh meninjau laporan \(taskForce.name); itu tugas peninjau GTN (peran reviewer)",
            en: "token \(describedForRefusal) may not review the reports of \(taskForce.name); that is for GTN reviewers (the reviewer role)"))
    }

    /// May create a task force in this region (or the national one, with nil).
    public func requireCreate(inRegion regionCode: String?) throws(GugusError) {
        if role == .admin { return }
        if role == .coordinator, let regionCode, regionCode == self.regionCode { return }
        throw GugusError(.forbidden, Localized(
            id: "token \(describedForRefusal) tidak boleh membentuk gugus tugas untuk \(regionCode ?? "national")",
            en: "token \(describedForRefusal) may not create the task force for \(regionCode ?? "national")"))
    }

    /// May read members, decrees and participants (not only status).
    public func requireRegistryRead() throws(GugusError) {
        if role == .viewer {
            throw GugusError(.forbidden, Localized(
                id: "token \(describedForRefusal) hanya boleh membaca status dan sesi publik",
                en: "token \(describedForRefusal) may only read status and public sessions"))
        }
    }

    /// Administration: tokens, rules for everyone, the whole audit log.
    public func requireAdmin(_ what: Localized) throws(GugusError) {
        if role != .admin {
            throw GugusError(.forbidden, Localized(
                id: "token \(describedForRefusal) tidak boleh \(what.id); itu hanya untuk admin",
                en: "token \(describedForRefusal) may not \(what.en); that is for admins only"))
        }
    }

    /// Sees e-mail and phone of this task force's people.
    public func seesContacts(of taskForce: TaskForce) -> Bool {
        role == .admin || (role == .coordinator && taskForce.regionCode != nil && taskForce.regionCode == regionCode)
    }
}
