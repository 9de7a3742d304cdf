import Foundation
import GugusModel
import GugusScheduler
import GugusServer

/// Sign-in links by e-mail, through the same SMTP server and From address as reminders.
struct SMTPSignInMailer: SignInMailer {
    let client: SMTPClient
    let from: String

    func send(link: String, to account: Account) async throws {
        let indonesian = account.language == .id
        let subject = indonesian ? "Tautan masuk Gugus" : "Your Gugus sign-in link"
        let body = indonesian
            ? """
              Yth. \(account.name),

              Gunakan tautan berikut untuk masuk ke portal Gugus. Tautan ini hanya dapat dipakai sekali dan berlaku 15 menit:

              \(link)

              Jika Anda tidak meminta tautan ini, abaikan surel ini.

              --
              Gugus, sistem koordinasi Gugus Tugas Bisnis dan HAM (Stranas BHAM).
              """
            : """
              Dear \(account.name),

              Use this link to sign in to the Gugus portal. It works once, for 15 minutes:

              \(link)

              If you did not ask for it, ignore this e-mail.

              --
              Gugus, the coordination system of the Business and Human Rights Task Forces (Stranas BHAM).
              """
        let message = try EmailMessage(
            from: MailAddress(from), to: [MailAddress(address: account.email, displayName: account.name)], subject: subject, body: body,
            messageID: "gugus-signin-\(UUID().uuidString.lowercased())@gugus.stranas-bham")
        try await client.send(message)
    }
}
