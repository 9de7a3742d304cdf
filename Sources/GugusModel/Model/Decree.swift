import Foundation

/// A decree (Keputusan) that establishes, amends or revokes a task force's composition.
public struct Decree: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case governor
        case ministerial
        case regent
        case mayor
    }

    public var id: Int64
    public var taskForceId: Int64
    public var kind: Kind
    public var number: String
    public var title: String
    public var place: String?
    public var signedOn: CivilDate
    public var effectiveFrom: CivilDate
    public var effectiveUntil: CivilDate?
    public var signerName: String
    public var signerTitle: String?
    public var signerActing: Bool
    public var inauguratedOn: CivilDate?
    public var amendsId: Int64?
    public var revokesId: Int64?
    /// When a later decree revoked this one: that decree's effective date.
    public var revokedOn: CivilDate?
    public var documentSha256: String?
    public var createdAt: Date

    /// The last day in force, after a revocation or at the end of its term.
    public var lastDayInForce: CivilDate? {
        switch (effectiveUntil, revokedOn) {
        case (let until?, let revoked?): min(until, revoked.adding(days: -1))
        case (let until?, nil): until
        case (nil, let revoked?): revoked.adding(days: -1)
        case (nil, nil): nil
        }
    }

    /// Establishing decrees set up the task force; amending ones change one of them.
    public var isEstablishing: Bool { amendsId == nil }
    public init(
        id: Int64,
        taskForceId: Int64,
        kind: Kind,
        number: String,
        title: String,
        place: String? = nil,
        signedOn: CivilDate,
        effectiveFrom: CivilDate,
        effectiveUntil: CivilDate? = nil,
        signerName: String,
        signerTitle: String? = nil,
        signerActing: Bool,
        inauguratedOn: CivilDate? = nil,
        amendsId: Int64? = nil,
        revokesId: Int64? = nil,
        revokedOn: CivilDate? = nil,
        documentSha256: String? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.taskForceId = taskForceId
        self.kind = kind
        self.number = number
        self.title = title
        self.place = place
        self.signedOn = signedOn
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.signerName = signerName
        self.signerTitle = signerTitle
        self.signerActing = signerActing
        self.inauguratedOn = inauguratedOn
        self.amendsId = amendsId
        self.revokesId = revokesId
        self.revokedOn = revokedOn
        self.documentSha256 = documentSha256
        self.createdAt = createdAt
    }
}

/// What `decree add` takes.
public struct NewDecree: Sendable, Hashable, Codable {
    /// The task force it is for. In the API the path names it (`/v1/taskforces/{id}/…`), so
    /// it is not part of the JSON body; a value decoded from one holds a placeholder until
    /// the server sets it from the path.
    public var taskForce: TaskForceRef = .id(0)
    public var kind: Decree.Kind?
    public var number: String
    public var title: String
    public var place: String?
    public var signedOn: CivilDate
    public var effectiveFrom: CivilDate?
    public var effectiveUntil: CivilDate?
    public var signerName: String
    public var signerTitle: String?
    public var signerActing: Bool
    public var inauguratedOn: CivilDate?
    public var amendsId: Int64?
    public var revokesId: Int64?
    public var document: DecreeDocument?

    enum CodingKeys: String, CodingKey {
        case kind, number, title, place, signedOn, effectiveFrom, effectiveUntil, signerName, signerTitle, signerActing, inauguratedOn, amendsId, revokesId, document
    }

    public init(
        taskForce: TaskForceRef, kind: Decree.Kind? = nil, number: String, title: String, place: String? = nil,
        signedOn: CivilDate, effectiveFrom: CivilDate? = nil, effectiveUntil: CivilDate? = nil,
        signerName: String, signerTitle: String? = nil, signerActing: Bool = false, inauguratedOn: CivilDate? = nil,
        amendsId: Int64? = nil, revokesId: Int64? = nil, document: DecreeDocument? = nil
    ) {
        self.taskForce = taskForce
        self.kind = kind
        self.number = number
        self.title = title
        self.place = place
        self.signedOn = signedOn
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = effectiveUntil
        self.signerName = signerName
        self.signerTitle = signerTitle
        self.signerActing = signerActing
        self.inauguratedOn = inauguratedOn
        self.amendsId = amendsId
        self.revokesId = revokesId
        self.document = document
    }
}

/// A decree's scanned document, stored by its SHA-256.
public struct DecreeDocument: Sendable, Hashable, Codable {
    public var fileName: String
    public var mediaType: String?
    public var content: Data

    public init(fileName: String, mediaType: String? = nil, content: Data) {
        self.fileName = fileName
        self.mediaType = mediaType
        self.content = content
    }
}
