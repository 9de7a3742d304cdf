@testable import GugusServer
import Mustache
import Testing

/// ``PortalTemplate`` must render what swift-mustache renders from the same model: the same
/// names, a `nil` climbing to the enclosing context, empty lists and `false` as false,
/// dictionaries read by key, standalone lines dropped, parents, blocks and partials. (Debug
/// builds also compare every page the portal draws; this holds the rules in one place.)
@Suite("Portal: templates render as swift-mustache renders them")
struct PortalTemplateTests {
    struct Page: PortalView {
        var title: String
        var fallback: String
        var t: [String: String]
        var rows: [Line]
        var none: [Line]
        var shown: Bool
        var hidden: Bool
        var lead: Line?
        var missing: Line?
    }

    struct Line: PortalView {
        var label: String
        var note: String?
        var count: Int
        var tags: [String]
    }

    static let page = Page(
        title: "Peta <nasional> & \"kutipan\" 'satu'", fallback: "–", t: ["greeting": "Selamat datang"],
        rows: [Line(label: "Aceh", note: "SK berlaku", count: 3, tags: ["a", "b"]),
               Line(label: "Papua", note: nil, count: 0, tags: [])],
        none: [], shown: true, hidden: false, lead: Line(label: "Maluku", note: nil, count: 1, tags: []), missing: nil)

    static let sources = [
        "layout": """
            <!DOCTYPE html>
            <title>{{title}}</title>
            {{#lead}}
              <p>{{label}}</p>
            {{/lead}}
            <main>
            {{$content}}default{{/content}}
            </main>
            {{$unused}}kept default{{/unused}}

            """,
        "line": """
            <li>{{label}}</li>

            """,
        "page": """
            {{<layout}}
            {{$content}}
            <h1>{{title}}</h1>{{t.greeting}} {{lead.label}} {{missing.label}}
            {{#rows}}[{{label}}:{{count}} {{#note}}{{note}}{{/note}}{{^note}}{{fallback}}{{/note}}{{#tags}}<{{.}}>{{/tags}}]{{/rows}}
              {{^none}}
              no lines
              {{/none}}
            {{#shown}} shown{{/shown}}{{#hidden}} hidden{{/hidden}}
            {{#lead}}lead {{label}} in {{title}}{{/lead}}{{^missing}}, nothing missing{{/missing}}
            <ul>
            {{#rows}}
            {{> line}}
            {{/rows}}
            </ul>
            {{/content}}
            {{/layout}}
            """,
    ]

    @Test("a page renders byte for byte as swift-mustache renders it")
    func sameOutput() throws {
        let reference = MustacheLibrary(templates: try Self.sources.mapValues { try MustacheTemplate(string: $0) })
        let ours = PortalTemplates(templates: try Self.sources.mapValues { try PortalTemplate($0) })
        let expected = try #require(reference.render(Self.page, withTemplate: "page"))
        let rendered = try #require(ours.render("page", TemplateEncoder.encode(Self.page)))
        #expect(String(decoding: rendered, as: UTF8.self) == expected)
        #expect(expected.contains("<title>Peta &lt;nasional&gt; &amp; &quot;kutipan&quot; &#39;satu&#39;</title>"))
        #expect(expected.contains("[Aceh:3 SK berlaku<a><b>][Papua:0 –]"))
        #expect(expected.contains("<ul>\n<li>Aceh</li>\n<li>Papua</li>\n</ul>"))
        #expect(expected.contains("kept default"))
    }

    @Test("the encoder writes text, flags, lists and objects, leaving a nil out")
    func tree() {
        let line = TemplateEncoder.encode(Self.page.rows[1])
        #expect(line == .object(["label": .text("Papua"), "count": .text("0"), "tags": .list([])]))
        #expect(TemplateEncoder.encode(Self.page)["shown"] == .flag(true))
        #expect(TemplateEncoder.encode(Self.page)["t"] == .object(["greeting": .text("Selamat datang")]))
    }

    @Test("a template that does not parse names its line", arguments: [
        ("<p>\n{{#rows}}\n", "line 2: {{rows}} is never closed"),
        ("{{#a}}\n{{/b}}", "line 2: {{/b}} closes {{a}} of line 1"),
        ("x {{/a}}", "line 1: {{/a}} closes nothing"),
        ("{{{raw}}}", "line 1: {{{raw}} is not a tag these templates use"),
        ("{{name", "line 1: a tag opens with {{ and does not close on its line"),
        ("<ul>\n  {{> line}}\n</ul>", "line 2: {{> line}} is indented: put it at the start of its line"),
    ])
    func parseErrors(source: String, message: String) {
        #expect(throws: PortalTemplate.ParseError.self) { try PortalTemplate(source) }
        do {
            _ = try PortalTemplate(source)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("every template of portal/ parses")
    func portalTemplatesParse() throws {
        for file in EmbeddedPortal.files where file.name.hasSuffix(".mustache") {
            #expect(throws: Never.self, "\(file.name)") { try PortalTemplate(file.contents) }
        }
    }
}
