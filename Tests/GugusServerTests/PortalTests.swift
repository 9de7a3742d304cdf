import Foundation
import GugusDatabase
import GugusModel
import GugusTestSupport
import HTTPTypes
import Postgres
import Testing

/// The portal's sign-in, sessions, forms and scopes, driven in process as a browser would:
/// cookies kept, forms posted with the tokens the pages carry (Support/Browser.swift).
@Suite("Portal: signing in, sessions, forms, scopes", .releasesResources)
struct PortalTests {
    static func seed(_ gugus: DatabaseGugus) async throws {
        for region in ["82", "81"] {
            _ = try await gugus.createTaskForce(NewTaskForce(regionCode: region))
            _ = try await gugus.addDecree(NewDecree(
                taskForce: .region(region), number: "188.45/\(region)/2026", title: "tentang Pembentukan GTD BHAM",
                signedOn: CivilDate(2026, 1, 5), effectiveUntil: CivilDate(2028, 12, 31), signerName: "Gubernur"))
        }
        _ = try await gugus.addMember(NewMember(
            taskForce: .region("82"), name: #"Siti <script>alert("x")</script> 'Rahma'"#, role: .sekretaris, position: "Kepala Kanwil",
            institution: "Kanwil Kementerian HAM Maluku Utara", email: try EmailAddress(parsing: "siti@malut.example.go.id")))
        _ = try await gugus.addMember(NewMember(
            taskForce: .region("81"), name: "Yohanes Maluku", role: .sekretaris, position: "Kepala Biro Hukum",
            institution: "Biro Hukum Provinsi Maluku", email: try EmailAddress(parsing: "yohanes@maluku.example.go.id")))
    }

    @Test("sign in with a one-time link: a new HttpOnly session; the link works once; sign out ends the session")
    func signInAndOut() async throws {
        try await PortalDeployment.with { portal in
            _ = try await portal.gugus.addAccount(NewAccount(email: "admin@gtn.example.go.id", name: "Admin GTN", role: .admin))
            let browser = portal.browser()
            // Before signing in, the map sends a stranger to sign in, and comes back afterwards.
            let map = try await browser.get("/")
            #expect(map.status == 303)
            #expect(map.location == "/sign-in?next=%2F")
            let form = try await browser.get("/sign-in?next=%2Fregions%2F82")
            #expect(form.status == 200)
            #expect(form.html.contains(#"<label for="email">Alamat surel</label>"#))
            let sent = try await browser.post("/sign-in", ["email": "Admin@GTN.example.go.id", "csrf": try #require(form.csrf), "next": "/regions/82"])
            #expect(sent.status == 200)
            #expect(sent.html.contains("Periksa surel Anda"))
            let link = try #require(portal.mailer.lastLink(to: "admin@gtn.example.go.id"))
            #expect(link.hasPrefix("http://127.0.0.1:8080/sign-in/"))
            #expect(link.hasSuffix("?next=%2Fregions%2F82"))
            // Only its hash is stored.
            let token = try #require(URL(string: link)?.lastPathComponent)
            let stored = try await portal.pool.query("SELECT token_sha256 FROM sign_in_link").decode(String.self)
            #expect(stored.count == 1 && !stored[0].contains(token))

            browser.set(cookie: "gugus_session", "a-session-id-the-browser-had-before")
            let opened = try await browser.get("/sign-in/\(token)?next=%2Fregions%2F82")
            #expect(opened.status == 303)
            #expect(opened.location == "/regions/82")
            let session = try #require(opened.setCookies.first { $0.hasPrefix("gugus_session=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && !session.contains("Secure"))
            #expect(browser.cookies["gugus_session"] != "a-session-id-the-browser-had-before")
            let secret = try #require(browser.cookies["gugus_session"])
            #expect(try await portal.pool.query("SELECT count(*) FROM web_session WHERE secret_sha256 LIKE \("%" + secret + "%")").single()?.decode(Int.self) == 0)

            let signedIn = try await browser.get("/")
            #expect(signedIn.status == 200, "\(signedIn)")
            #expect(signedIn.html.contains("Masuk sebagai <strong>Admin GTN</strong>"))

            // The link is spent.
            let again = portal.browser()
            let reused = try await again.get("/sign-in/\(token)")
            #expect(reused.status == 401)
            #expect(reused.html.contains("Tautan masuk tidak berlaku"))
            #expect(again.cookies["gugus_session"] == nil)

            // Signing out: refused without the form's token, then done with it; the old
            // cookie no longer opens anything.
            #expect(try await browser.post("/sign-out", [:]).status == 403)
            #expect(try await browser.get("/").status == 200)
            let out = try await browser.post("/sign-out", ["csrf": try #require(signedIn.csrf)])
            #expect(out.status == 303)
            #expect(out.location == "/sign-in?signed-out=1")
            let stale = portal.browser()
            stale.set(cookie: "gugus_session", secret)
            #expect(try await stale.get("/").location?.hasPrefix("/sign-in") == true)
        }
    }

    @Test("asking for a link looks the same for a known and an unknown address; requests are limited per address")
    func sameAnswerAndLimits() async throws {
        try await PortalDeployment.with { portal in
            _ = try await portal.gugus.addAccount(NewAccount(email: "known@example.go.id", name: "Known", role: .viewer))
            func ask(_ email: String, browser: Browser) async throws -> Browser.Page {
                let form = try await browser.get("/sign-in")
                return try await browser.post("/sign-in", ["email": email, "csrf": try #require(form.csrf)])
            }
            let browser = portal.browser()
            let known = try await ask("known@example.go.id", browser: browser)
            let unknown = try await ask("nobody@example.go.id", browser: browser)
            #expect(known.status == unknown.status)
            func scrub(_ html: String) -> String {
                html.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression)
            }
            #expect(scrub(known.html) == scrub(unknown.html))
            #expect(portal.mailer.links.map(\.email) == ["known@example.go.id"])

            for _ in 0..<4 { _ = try await ask("nobody@example.go.id", browser: browser) }
            let limited = try await ask("nobody@example.go.id", browser: browser)
            #expect(limited.status == 429)
            #expect(limited.html.contains("Terlalu banyak permintaan tautan"))

            // No form token, or another one: refused, and nothing recorded or sent.
            let before = try await portal.pool.query("SELECT count(*) FROM sign_in_request").single()!.decode(Int.self)
            let forged = try await portal.browser().post("/sign-in", ["email": "known@example.go.id", "csrf": "forged"])
            #expect(forged.status == 403)
            #expect(forged.html.contains("Formulir kedaluwarsa"))
            #expect(try await portal.pool.query("SELECT count(*) FROM sign_in_request").single()!.decode(Int.self) == before)
        }
    }

    @Test("an expired link, an idle session, a disabled account: refused")
    func expiries() async throws {
        try await PortalDeployment.with { portal in
            _ = try await portal.gugus.addAccount(NewAccount(email: "late@example.go.id", name: "Late", role: .viewer))
            let (_, token) = try await portal.gugus.signInLink(email: "late@example.go.id")
            try await portal.pool.execute("UPDATE sign_in_link SET created_at = now() - interval '20 minutes', expires_at = now() - interval '5 minutes'")
            #expect(try await portal.browser().get("/sign-in/\(token)").status == 401)

            let idle = try await portal.signedIn("idle@example.go.id", name: "Idle", role: .viewer)
            #expect(try await idle.get("/").status == 200)
            try await portal.pool.execute("UPDATE web_session SET last_seen_at = now() - interval '8 hours 1 minute'")
            #expect(try await idle.get("/").status == 303)

            let active = try await portal.signedIn("gone@example.go.id", name: "Gone", role: .viewer)
            #expect(try await active.get("/").status == 200)
            let id = try await portal.pool.query("SELECT id FROM account WHERE email = 'gone@example.go.id'").single()!.decode(Int64.self)
            _ = try await portal.gugus.disableAccount(id: id)
            #expect(try await active.get("/").status == 303)
        }
    }

    @Test("after signing in, a redirect never leaves the site")
    func redirectsStayOnSite() async throws {
        try await PortalDeployment.with { portal in
            _ = try await portal.gugus.addAccount(NewAccount(email: "a@example.go.id", name: "A", role: .viewer))
            for next in ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/regions/82%0d%0aSet-Cookie:x=1"] {
                let (_, token) = try await portal.gugus.signInLink(email: "a@example.go.id")
                let opened = try await portal.browser().get("/sign-in/\(token)?next=\(APIRoute.escape(next))")
                #expect(opened.status == 303)
                #expect(opened.location == "/" || opened.location?.hasPrefix("/regions/82") == true, "\(next) → \(opened.location ?? "-")")
                #expect(opened.location?.contains("\n") != true && opened.location?.contains("evil") != true)
            }
        }
    }

    @Test("names with <script> and quotes are text; a coordinator sees contacts of their region only, whatever the URL")
    func escapingAndScope() async throws {
        try await PortalDeployment.with { portal in
            try await Self.seed(portal.gugus)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let own = try await coordinator.get("/regions/82")
            #expect(own.status == 200)
            #expect(own.html.contains("Siti &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;Rahma&#39;"), "\(own)")
            #expect(!own.html.contains("<script>alert"))
            #expect(own.html.contains("siti@malut.example.go.id"))
            let other = try await coordinator.get("/regions/81")
            #expect(other.status == 200)
            #expect(other.html.contains("Yohanes Maluku"))
            #expect(!other.html.contains("yohanes@maluku.example.go.id"))
            #expect(other.html.contains("hanya untuk koordinator wilayah ini"))
            // The people page is the secretariat's.
            let people = try await coordinator.get("/admin/people")
            #expect(people.status == 403)
            #expect(people.html.contains("Anda tidak berhak membuka halaman ini"))
            // A map of Indonesia with every province, each a link.
            let map = try await coordinator.get("/")
            #expect(map.html.components(separatedBy: #"<a href="/regions/"#).count - 1 == 38 * 2)
            #expect(!map.html.contains("siti@"))
        }
    }

    @Test("the region page links its decree and its sessions, both pages show them in local time; a viewer sees the decree unlinked")
    func decreeAndSessionPages() async throws {
        try await PortalDeployment.with { portal in
            try await Self.seed(portal.gugus)
            let member = try await portal.gugus.addMember(NewMember(
                taskForce: .region("82"), name: "Budi Santoso", role: .ketua, position: "Gubernur Maluku Utara",
                institution: "Pemerintah Provinsi Maluku Utara"))
            let session = try await portal.gugus.scheduleSession(NewSession(
                taskForce: .region("82"), title: "Sosialisasi <Stranas> BHAM", starts: "2030-03-04 09:00",
                duration: DurationText(seconds: 3 * 3600)!, venue: "Aula Gamalama, Ternate"))
            _ = try await portal.gugus.invite(sessionID: session.id, .member(member.id), role: .attendee)
            let coordinator = try await portal.signedIn("kanwil@malut.example.go.id", name: "Kanwil Malut", role: .coordinator, region: "82")
            let region = try await coordinator.get("/regions/82")
            #expect(region.status == 200)
            let decreePath = try #require(region.html.firstMatch(of: /href="(\/decrees\/\d+)"/)?.1)
            let decree = try await coordinator.get(String(decreePath))
            #expect(decree.status == 200, "\(decree)")
            #expect(decree.html.contains("188.45/82/2026"))
            let page = try await coordinator.get("/sessions/\(session.id)")
            #expect(page.status == 200)
            #expect(page.html.contains("Sosialisasi &lt;Stranas&gt; BHAM"))
            #expect(page.html.contains("pukul 09.00 WIT"), "\(page)")
            // A viewer reads status only: the decree in force is named, not linked to a page they may not open.
            let viewer = try await portal.signedIn("viewer@gtn.example.go.id", name: "Pemantau", role: .viewer)
            let status = try await viewer.get("/regions/82")
            #expect(status.html.contains("188.45/82/2026"))
            #expect(!status.html.contains("href=\"/decrees/"))
        }
    }

    @Test("forms without their token change nothing; people are added with the message beside the field")
    func peopleForms() async throws {
        try await PortalDeployment.with { portal in
            let admin = try await portal.signedIn("admin@gtn.example.go.id", name: "Admin GTN", role: .admin)
            let page = try await admin.get("/admin/people")
            #expect(page.status == 200)
            let csrf = try #require(page.csrf)
            let fields = ["email": "baru@example.go.id", "name": "Orang Baru", "role": "viewer", "region": "", "language": "id"]
            let forged = try await admin.post("/admin/people", fields)
            #expect(forged.status == 403)
            #expect(try await portal.gugus.accounts().map(\.email) == ["admin@gtn.example.go.id"])

            let refused = try await admin.post("/admin/people", fields.merging(["csrf": csrf, "role": "coordinator"]) { $1 })
            #expect(refused.status == 422)
            #expect(refused.html.contains(##"<a href="#region">koordinator perlu wilayahnya (--region KODE)</a>"##), "\(refused)")
            #expect(refused.html.contains(#"value="baru@example.go.id""#), "what was typed stays")
            let added = try await admin.post("/admin/people", fields.merging(["csrf": csrf]) { $1 })
            #expect(added.status == 201)
            #expect(added.html.contains("Pengguna ditambahkan: Orang Baru &lt;baru@example.go.id&gt;"))
            let id = try #require(try await portal.gugus.accounts().first { $0.email == "baru@example.go.id" }).id
            #expect(try await admin.post("/admin/people/\(id)/disable", [:]).status == 403)
            #expect(try await admin.post("/admin/people/\(id)/disable", ["csrf": csrf]).status == 200)
            #expect(try await portal.gugus.accounts().first { $0.id == id }?.disabledAt != nil)
        }
    }

    @Test("errors are pages in the portal's language; the map is public only with GUGUS_PUBLIC_MAP; cookies are Secure over https")
    func errorsPublicMapSecure() async throws {
        try await PortalDeployment.with(publicMap: true, publicURL: "https://gugus.example.go.id") { portal in
            try await Self.seed(portal.gugus)
            let stranger = portal.browser()
            let map = try await stranger.get("/?lang=en")
            #expect(map.status == 200)
            #expect(map.html.contains("<html lang=\"en\">"))
            #expect(map.setCookies.contains { $0.hasPrefix("gugus_lang=en") && $0.contains("Secure") && $0.contains("HttpOnly") })
            #expect(!map.html.contains("siti@"))
            // Remembered.
            #expect(try await stranger.get("/").html.contains("<html lang=\"en\">"))
            #expect(try await stranger.get("/regions/82").status == 303, "region pages need sign-in")
            // A language chosen on the way to signing in holds on the sign-in page.
            let newcomer = portal.browser()
            let redirected = try await newcomer.get("/regions/82?lang=id")
            #expect(redirected.status == 303)
            #expect(redirected.setCookies.contains { $0.hasPrefix("gugus_lang=id") })
            #expect(try await newcomer.get("/sign-in").html.contains("<html lang=\"id\">"))
            let missing = try await stranger.get("/no-such-page")
            #expect(missing.status == 404)
            #expect(missing.html.contains("Page not found"))
            let noSession = try await stranger.get("/sessions/999999")
            #expect(noSession.status == 303)
            let csv = try await stranger.get("/status.csv")
            #expect(csv.status == 200)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.html.hasPrefix("\u{FEFF}code;province;zone;status;"))
            #expect(csv.html.contains("\r\n82;Maluku Utara;WIT;Established;188.45/82/2026;2028-12-31;1;0;0\r\n"))
            let admin = try await portal.signedIn("admin@gtn.example.go.id", name: "Admin", role: .admin)
            #expect(admin.cookies["gugus_session"] != nil)
            let gone = try await admin.get("/sessions/999999")
            #expect(gone.status == 404)
            #expect(gone.html.contains("Page not found") || gone.html.contains("Halaman tidak ditemukan"))
        }
    }
}
