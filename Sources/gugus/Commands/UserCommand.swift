import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "People who sign in to the portal (admin only).",
        discussion: "They sign in with a one-time link sent to their address; the same roles and region scope as tokens.",
        subcommands: [Add.self, List.self, Disable.self, Link.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a person an account.",
            discussion: "Example: gugus user add --email siti@kemenham.go.id --name \"Siti Rahma\" --role coordinator --region 82")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Their e-mail address: the sign-in link goes there.") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "What they may do.") var role: Caller.Role
        @Option(help: ArgumentHelp("A coordinator's region code.", valueName: "code")) var region: String?
        @Option(help: ArgumentHelp("The portal's and the mails' language.", valueName: "id|en")) var language: Language?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let account = try await options.gugus().addAccount(NewAccount(
                    email: email, name: name, role: role, regionCode: region, language: language))
                try output.emit(account) {
                    output.text("Pengguna \(account.id) ditambahkan: \(account.name) <\(account.email)>, \(account.role.rawValue)\(account.regionCode.map { " untuk \($0)" } ?? "").",
                                "Person \(account.id) added: \(account.name) <\(account.email)>, \(account.role.rawValue)\(account.regionCode.map { " for \($0)" } ?? "").")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let accounts = try await options.gugus().accounts()
                try output.emit(accounts) {
                    var table = Table(["id", output.text("nama", "name"), output.text("surel", "e-mail"), output.text("peran", "role"),
                                       output.text("wilayah", "region"), "status"])
                    for account in accounts {
                        table.add([String(account.id), account.name, account.email, account.role.rawValue, account.regionCode.cell,
                                   account.disabledAt == nil ? output.text("aktif", "active") : output.text("nonaktif", "disabled")])
                    }
                    return table.rendered
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account; its sessions end at once.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Account id.") var id: Int64

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let account = try await options.gugus().disableAccount(id: id)
                try output.emit(account) {
                    output.text("Pengguna \(account.id) (\(account.email)) dinonaktifkan.", "Person \(account.id) (\(account.email)) disabled.")
                }
            }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a one-time sign-in link for an account (on the database only).",
            discussion: "For the first admin, or when mail cannot go: the link works once, for 15 minutes.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The account's e-mail address.") var email: String
        @Option(help: ArgumentHelp("The portal's address (or GUGUS_PUBLIC_URL; default http://127.0.0.1:8080).", valueName: "url"))
        var baseURL: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                guard let database = try await options.gugus() as? DatabaseGugus else {
                    throw GugusError.invalid(field: "server", value: nil, Localized(
                        id: "tautan masuk dibuat langsung pada basis data; jalankan tanpa --server",
                        en: "sign-in links are made on the database itself; run without --server"))
                }
                let (account, token) = try await database.signInLink(email: email)
                var base = baseURL ?? options.environment["GUGUS_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
                while base.hasSuffix("/") { base.removeLast() }
                let link = "\(base)/sign-in/\(token)"
                struct Issued: Encodable { var account: Account; var link: String }
                try output.emit(Issued(account: account, link: link)) { link }
            }
        }
    }
}
