import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird

/// The opt-out link every reminder carries (UU PDP: consent can be withdrawn). No sign-in:
/// the signed link is the credential. Opening it asks; a POST to it (the page's button, or a
/// mail client's one-click button, RFC 8058) stops reminders of that kind to that person, and
/// the page offers to take it back.
extension Portal {
    struct OptOutPage: PortalView {
        var frame: Frame
        var lead: String
        var optedOut: Bool
        var erased: Bool
        var since: String?
        var action: String
        var undoAction: String
        var justChanged: Bool
        var refused: Bool
    }

    func optOutPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, change: OptOutChange?) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let status: OptOutStatus
        do {
            switch change {
            case nil: status = try await gugus.optOutStatus(token: token)
            case .optOut: status = try await gugus.optOut(token: token)
            case .undo: status = try await gugus.undoOptOut(token: token)
            }
        } catch let error as GugusError where error.kind == .notFound {
            // A link that was cut short or changed: say so, and what to do.
            let language = visitor.language
            let model = OptOutPage(
                frame: frame(visitor, request: request, title: PortalText.word("optOutRefused", language)),
                lead: error.message.text(language), optedOut: false, erased: false, since: nil, action: "", undoAction: "",
                justChanged: false, refused: true)
            return page("opt-out", model, visitor: visitor, status: .notFound)
        }
        // The reminder's own language, unless the reader chose another on the page.
        var reader = visitor
        reader.language = visitor.chosenLanguage ?? status.language
        let language = reader.language
        let what = status.kind.remindersName(language)
        let lead: String
        if status.erased {
            lead = language == .id
                ? "Data kontak Anda sudah dihapus dari Gugus. Anda tidak akan menerima pengingat apa pun lagi."
                : "Your contact details have been erased from Gugus. You will not receive any more reminders."
        } else if status.optedOut {
            lead = language == .id
                ? "Anda tidak lagi menerima \(what) dari Gugus. Pengingat jenis lain tetap dikirim."
                : "You no longer receive \(what) from Gugus. Other kinds of reminder still come."
        } else {
            lead = language == .id
                ? "Anda menerima \(what) dari Gugus, Gugus Tugas Bisnis dan HAM. Berhenti berlangganan menghentikan semua \(what) kepada Anda; koordinator gugus tugas dapat melihat pilihan ini."
                : "You receive \(what) from Gugus, the Business and Human Rights Task Forces. Unsubscribing stops all \(what) to you; the task force's coordinators can see this choice."
        }
        let title = PortalText.word(status.optedOut ? "optOutDone" : "optOutTitle", language)
        let model = OptOutPage(
            frame: frame(reader, request: request, title: title), lead: lead, optedOut: status.optedOut, erased: status.erased,
            since: status.optedOutAt.map { LocalTime.long($0, in: status.zone, language: language) },
            action: "/unsubscribe/\(APIRoute.escape(token))", undoAction: "/unsubscribe/\(APIRoute.escape(token))/undo",
            justChanged: change != nil, refused: false)
        return page("opt-out", model, visitor: reader)
    }

    enum OptOutChange {
        case optOut, undo
    }
}

extension OptOutStatus {
    var optedOut: Bool { optedOutAt != nil }
}
