import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "API tokens for coordinators and viewers (admin only).",
        subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a token. It is printed once; only its hash is stored.",
            discussion: "Example: gugus token issue --role coordinator --region 82 --name \"Kanwil Maluku Utara\" --expires 2026-12-31")
        @OptionGroup var options: GlobalOptions
        @Option(help: "What the token may do.") var role: Caller.Role
        @Option(help: ArgumentHelp("A coordinator's region code.", valueName: "code")) var region: String?
        @Option(help: "Who holds it; written in the audit log with every change it makes.") var name: String
        @Option(help: ArgumentHelp("Last day it works.", valueName: "YYYY-MM-DD")) var expires: CivilDate?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let issued = try await options.gugus().issueToken(NewToken(
                    name: name, role: role, regionCode: region,
                    expiresOn: expires))
                try output.emit(IssuedRecord(issued)) {
                    output.text("Token \(issued.token.id) untuk '\(issued.token.name)' (\(issued.token.role.rawValue)). Simpan sekarang; tidak akan ditampilkan lagi:\n",
                                "Token \(issued.token.id) for '\(issued.token.name)' (\(issued.token.role.rawValue)). Keep it now; it is not shown again:\n")
                        + issued.secret
                }
            }
        }

        struct IssuedRecord: Encodable {
            var issued: IssuedToken
            init(_ issued: IssuedToken) { self.issued = issued }
            func encode(to encoder: any Encoder) throws {
                try issued.token.encode(to: encoder)
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(issued.secret, forKey: .token)
            }
            enum Key: String, CodingKey { case token }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let tokens = try await options.gugus().tokens()
                try output.emit(tokens) {
                    var table = Table(["id", output.text("nama", "name"), output.text("peran", "role"), output.text("wilayah", "region"),
                                       output.text("kedaluwarsa", "expires"), "status"])
                    for token in tokens {
                        table.add([String(token.id), token.name, token.role.rawValue, token.regionCode.cell,
                                   token.expiresAt.map(LocalTime.iso8601).cell,
                                   token.revokedAt == nil ? output.text("aktif", "active") : output.text("dicabut", "revoked")])
                    }
                    return table.rendered
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Token id.") var id: Int64

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let token = try await options.gugus().revokeToken(id: id)
                try output.emit(token) { output.text("Token \(token.id) ('\(token.name)') dicabut.", "Token \(token.id) ('\(token.name)') revoked.") }
            }
        }
    }
}
