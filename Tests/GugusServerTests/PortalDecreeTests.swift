import Crypto
import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import HTTPTypes
import Postgres
import Testing

/// Registering a decree in the portal (issue 12): the form, the PDF, the refusals.
@Suite("Portal: registering a decree with its PDF", .releasesResources)
struct PortalDecreeTests {
    static let pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    static func fields(csrf: String?) -> [String: String] {
        var fields = [
            "number": "188.45/75/2026", "title": "tentang Pembentukan GTD BHAM Provinsi Gorontalo", "signed_on": "2026-02-02",
            "place": "Gorontalo", "signer": "Gubernur Gorontalo", "signer_title": "", "effective_from": "",
            "effective_until": "2028-12-31", "inaugurated_on": "", "amends": "", "revokes": "",
        ]
        fields["csrf"] = csrf
        return fields
    }

    static func counts(_ portal: PortalDeployment) async throws -> (decrees: Int, documents: Int, taskForces: Int) {
        let row = try #require(try await portal.pool.query(
            "SELECT (SELECT count(*) FROM decree)::integer, (SELECT count(*) FROM document)::integer, (SELECT count(*) FROM task_force)::integer"
        ).single())
        let (decrees, documents, taskForces) = try row.decode((Int, Int, Int).self)
        return (decrees, documents, taskForces)
    }

    @Test("a coordinator registers the province's first decree with a PDF: the GTD is established, the PDF downloads unchanged")
    func registerWithPDF() async throws {
        try await PortalDeployment.with { portal in
            let coordinator = try await portal.signedIn("biro@gorontalo.example.go.id", name: "Biro Hukum", role: .coordinator, region: "75")
            let region = try await coordinator.get("/regions/75")
            #expect(region.html.contains(#"href="/regions/75/decrees/new""#), "\(region)")
            let form = try await coordinator.get("/regions/75/decrees/new")
            #expect(form.status == 200, "\(form)")
            #expect(form.html.contains(#"enctype="multipart/form-data""#))
            #expect(form.html.contains("Nomor SK"))

            let sent = try await coordinator.postMultipart(
                "/regions/75/decrees", Self.fields(csrf: form.csrf), files: ["document": ("SK GTD Gorontalo.pdf", "application/pdf", Self.pdf)])
            #expect(sent.status == 303, "\(sent)")
            let location = try #require(sent.location)
            #expect(location.hasSuffix("?registered=1"))
            let page = try await coordinator.get(location)
            #expect(page.html.contains("SK terdaftar"))
            let sha256 = SHA256.hash(data: Data(Self.pdf.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(page.html.contains(sha256))

            let id = try #require(location.firstMatch(of: /\/decrees\/(\d+)/)?.1)
            let download = try await coordinator.get("/decrees/\(id)/document")
            #expect(download.status == 200)
            #expect(download.headers[.contentType] == "application/pdf")
            #expect(download.headers[.contentDisposition] == #"attachment; filename="SK GTD Gorontalo.pdf""#)
            #expect(SHA256.hash(data: Data(download.html.utf8)).map { String(format: "%02x", $0) }.joined() == sha256)

            let status = try await portal.gugus.regionStatus(code: "75", at: CivilDate(2026, 6, 1))
            #expect(status.status == .established)
            #expect(status.decree?.number == "188.45/75/2026")
        }
    }

    @Test("refused: no CSRF token, a file that is no PDF, a bad date, another province's coordinator; nothing is stored")
    func refusals() async throws {
        try await PortalDeployment.with { portal in
            let coordinator = try await portal.signedIn("biro@gorontalo.example.go.id", name: "Biro Hukum", role: .coordinator, region: "75")
            let form = try await coordinator.get("/regions/75/decrees/new")
            let before = try await Self.counts(portal)

            let noToken = try await coordinator.postMultipart(
                "/regions/75/decrees", Self.fields(csrf: nil), files: ["document": ("sk.pdf", "application/pdf", Self.pdf)])
            #expect(noToken.status == 403, "\(noToken)")

            let notPDF = try await coordinator.postMultipart(
                "/regions/75/decrees", Self.fields(csrf: form.csrf), files: ["document": ("sk.pdf", "application/pdf", "<html>not a pdf</html>")])
            #expect(notPDF.status == 422, "\(notPDF)")
            #expect(notPDF.html.contains("berkas sk.pdf bukan PDF; unggah SK sebagai PDF"))
            #expect(notPDF.html.contains(#"id="document-error""#))
            #expect(notPDF.html.contains(#"value="188.45/75/2026""#), "what was typed stays in the form")

            var badDate = Self.fields(csrf: form.csrf)
            badDate["signed_on"] = "2 Februari 2026"
            let refused = try await coordinator.postMultipart("/regions/75/decrees", badDate)
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.html.contains(#"id="signed_on-error""#))
            #expect(refused.html.contains(#"value="2 Februari 2026""#))
            #expect(refused.html.contains(##"<a href="#signed_on">"##), "the summary links the field")

            let other = try await portal.signedIn("biro@malut.example.go.id", name: "Biro Malut", role: .coordinator, region: "82")
            #expect(try await other.get("/regions/75/decrees/new").status == 403)
            let otherForm = try await other.get("/regions/82")
            #expect(!otherForm.html.contains("/regions/75/decrees/new"))
            let forbidden = try await other.postMultipart("/regions/75/decrees", Self.fields(csrf: otherForm.csrf))
            #expect(forbidden.status == 403, "\(forbidden)")

            let viewer = try await portal.signedIn("pemantau@gtn.example.go.id", name: "Pemantau", role: .viewer)
            #expect(try await viewer.get("/regions/75/decrees/new").status == 403)

            let after = try await Self.counts(portal)
            #expect(after == before)
        }
    }
}
