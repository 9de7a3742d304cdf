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
