import GugusModel
import Hummingbird
import Logging

/// Each request's context: who is calling (from the bearer token) and in which language
/// they want messages (from `Accept-Language`).
public struct GugusRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?
    public var language: Language = .id

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Member rosters in CSV can be large; JSON bodies are checked against a smaller limit.
    public var maxUploadSize: Int { 20 * 1024 * 1024 }

    /// The caller, which the auth middleware has set for every `/v1` route.
    func requireCaller() throws -> Caller {
        guard let caller else {
            throw GugusError(.unauthorized, Localized(id: "permintaan ini perlu token", en: "this request needs a token"))
        }
        return caller
    }
}
