import ArgumentParser
import Foundation
import GugusDatabase
import GugusModel

struct DecreeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decree", abstract: "Register and list decrees (Keputusan Gubernur, Keputusan Menteri …).",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a decree that establishes, amends (--amends) or revokes (--revokes) a task force's composition.",
            discussion: """
                Example:
                  gugus decree add --taskforce 82 --number "188.45/123/2024" \\
                    --title "tentang Pembentukan Gugus Tugas Daerah Bisnis dan HAM Provinsi Maluku Utara" \\
                    --place Sofifi --signed-on 2024-03-01 --effective-until 2025-12-31 \\
                    --signer "Gubernur Maluku Utara"
                A revoked decree leaves force on the revoking decree's effective date.
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef
        @Option(help: "The decree number, as written (e.g. \"188.45/123/2024\").") var number: String
        @Option(help: "The title, \"tentang …\".") var title: String
        @Option(help: ArgumentHelp("Date signed (tanggal penetapan).", valueName: "YYYY-MM-DD")) var signedOn: CivilDate
        @Option(help: ArgumentHelp("The signer's name or title, e.g. \"Gubernur Maluku Utara\".", valueName: "name")) var signer: String
        @Option(help: "The signer's title, when --signer is a name.") var signerTitle: String?
        @Flag(help: "Signed by an acting official (Pj. Gubernur).") var acting = false
        @Option(help: "Place of signing, e.g. Sofifi.") var place: String?
        @Option(help: ArgumentHelp("In force from (default: the signing date).", valueName: "YYYY-MM-DD")) var effectiveFrom: CivilDate?
        @Option(help: ArgumentHelp("End of term.", valueName: "YYYY-MM-DD")) var effectiveUntil: CivilDate?
        @Option(help: ArgumentHelp("Date of inauguration (pengukuhan).", valueName: "YYYY-MM-DD")) var inauguratedOn: CivilDate?
        @Option(help: ArgumentHelp("Who signs it (default: from the region's level).", valueName: "kind")) var kind: Decree.Kind?
        @Option(help: ArgumentHelp("The decree this one amends.", valueName: "id")) var amends: Int64?
        @Option(help: ArgumentHelp("The decree this one revokes.", valueName: "id")) var revokes: Int64?
        @Option(help: ArgumentHelp("The signed document (PDF, scan), stored by its SHA-256.", valueName: "file")) var document: String?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let input = NewDecree(
                    taskForce: taskforce,
                    kind: kind,
                    number: number, title: title, place: place,
                    signedOn: signedOn,
                    effectiveFrom: effectiveFrom,
                    effectiveUntil: effectiveUntil,
                    signerName: signer, signerTitle: signerTitle, signerActing: acting,
                    inauguratedOn: inauguratedOn,
                    amendsId: amends, revokesId: revokes,
                    document: try document.map(Self.readDocument))
                let decree = try await options.gugus().addDecree(input)
                try output.emit(decree) {
                    output.text("Surat keputusan didaftarkan: ", "Decree registered: ")
                        + "\(decree.number) (id \(decree.id)), " + DecreeRendering(output: output).term(decree)
                }
            }
        }

        static func readDocument(_ path: String) throws(GugusError) -> DecreeDocument {
            let url = URL(fileURLWithPath: path)
            guard let content = try? Data(contentsOf: url) else {
                throw GugusError.invalid(field: "document", value: path, Localized(
                    id: "berkas '\(path)' tidak dapat dibaca; periksa path-nya", en: "cannot read the file '\(path)'; check the path"))
            }
            let mediaType = url.pathExtension.lowercased() == "pdf" ? "application/pdf" : nil
            return DecreeDocument(fileName: url.lastPathComponent, mediaType: mediaType, content: content)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List decrees, of one task force or all.")
        @OptionGroup var options: GlobalOptions
        @Option(help: ArgumentHelp("The task force: region code, national, or id.", valueName: "ref")) var taskforce: TaskForceRef?

        func run() async throws {
            let output = options.output
            try await refusing(output) {
                let gugus = try await options.gugus()
                let reference = taskforce
                let decrees = try await gugus.all { try await gugus.decrees(taskForce: reference, page: $0) }
                try output.emit(decrees) {
                    let rendering = DecreeRendering(output: output)
                    var table = Table(["id", output.text("gugus", "task force"), output.text("nomor", "number"),
                                       output.text("ditetapkan", "signed"), output.text("berlaku", "in force"), output.text("hubungan", "links")])
                    for decree in decrees {
                        table.add([String(decree.id), String(decree.taskForceId), decree.number, decree.signedOn.description,
                                   rendering.term(decree), rendering.links(decree)])
                    }
                    return table.rendered
                }
            }
        }
    }
}

struct DecreeRendering {
    let output: Output

    func term(_ decree: Decree) -> String {
        let end = decree.lastDayInForce.map(\.description) ?? output.text("tanpa batas", "open-ended")
        return "\(decree.effectiveFrom) – \(end)"
    }

    func links(_ decree: Decree) -> String {
        var parts: [String] = []
        if let amends = decree.amendsId { parts.append(output.text("mengubah \(amends)", "amends \(amends)")) }
        if let revokes = decree.revokesId { parts.append(output.text("mencabut \(revokes)", "revokes \(revokes)")) }
        if let revoked = decree.revokedOn { parts.append(output.text("dicabut per \(revoked)", "revoked as of \(revoked)")) }
        return parts.isEmpty ? "–" : parts.joined(separator: ", ")
    }
}
