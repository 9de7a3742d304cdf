/// The JSON bodies of the API operations whose input is not a model type of its own: one
/// definition for the server that reads them and the client that writes them.

/// `POST /v1/members/{id}/end`.
public struct EndMembership: Codable, Sendable, Hashable {
    public var on: CivilDate
    public var reason: String?

    public init(on: CivilDate, reason: String?) {
        self.on = on
        self.reason = reason
    }
}

/// `POST /v1/sessions/{id}/cancel`.
public struct SessionCancellation: Codable, Sendable, Hashable {
    public var reason: String?

    public init(reason: String?) {
        self.reason = reason
    }
}

/// `POST /v1/sessions/{id}/complete`.
public struct SessionCompletion: Codable, Sendable, Hashable {
    public var notes: String?
    public var outcome: String?

    public init(notes: String?, outcome: String?) {
        self.notes = notes
        self.outcome = outcome
    }
}

/// `POST /v1/sessions/{id}/participants`: who (a member, every member, or a guest) and in
/// which role, in one object: `{"member_id": 5, "role": "speaker"}`.
public struct InvitationRequest: Codable, Sendable, Hashable {
    public var invitation: Invitation
    public var role: Participant.Role?

    public init(invitation: Invitation, role: Participant.Role?) {
        self.invitation = invitation
        self.role = role
    }

    enum CodingKeys: String, CodingKey { case role }

    public init(from decoder: any Decoder) throws {
        invitation = try Invitation(from: decoder)
        role = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Participant.Role.self, forKey: .role)
    }

    public func encode(to encoder: any Encoder) throws {
        try invitation.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(role, forKey: .role)
    }
}

/// `POST /v1/taskforces/{id}/reports/{period}/submit|return|verify`.
public struct ReportStepRequest: Codable, Sendable, Hashable {
    public var note: String?

    public init(note: String? = nil) { self.note = note }
}

/// `POST …/entries/{action}/evidence/remove`: one piece of evidence by id, or a session
/// (cited or only proposed) that should not be evidence for the entry.
public struct EvidenceRemoval: Codable, Sendable, Hashable {
    public var evidenceId: Int64?
    public var sessionId: Int64?

    public init(evidenceId: Int64? = nil, sessionId: Int64? = nil) {
        self.evidenceId = evidenceId
        self.sessionId = sessionId
    }
}

/// `POST …/entries/{action}/evidence`: a link or a session (files go as their own bytes to
/// `…/evidence/file`).
public struct EvidenceRequest: Codable, Sendable, Hashable {
    public var url: String?
    public var description: String?
    public var sessionId: Int64?

    public init(url: String? = nil, description: String? = nil, sessionId: Int64? = nil) {
        self.url = url
        self.description = description
        self.sessionId = sessionId
    }

    public func input() throws(GugusError) -> EvidenceInput {
        switch (url, sessionId) {
        case (let url?, nil): return .link(url: url, description: description)
        case (nil, let session?): return .session(id: session)
        default:
            throw GugusError.invalid(field: "url", value: url, Localized(
                id: "sebutkan satu: url (tautan) atau session_id (kegiatan yang selesai)",
                en: "give one: url (a link) or session_id (a completed session)"))
        }
    }
}
