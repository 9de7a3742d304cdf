@testable import GugusServer
import Mustache
import Testing

/// `templateTree` must not change what a template renders: the same names, a `nil` climbing
/// to the enclosing context, empty arrays and `false` as false, dictionaries read by key.
@Suite("Portal: templates read the tree as they read the model")
struct PortalTemplateTreeTests {
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

    @Test("a page renders the same from the tree as from the model")
    func sameOutput() throws {
        let template = try MustacheTemplate(string: """
            <h1>{{title}}</h1>{{t.greeting}}
            {{#rows}}[{{label}}:{{count}} {{#note}}{{note}}{{/note}}{{^note}}{{fallback}}{{/note}}{{#tags}}<{{.}}>{{/tags}}]{{/rows}}
            {{^none}}no lines{{/none}}{{#shown}} shown{{/shown}}{{#hidden}} hidden{{/hidden}}
            {{#lead}}lead {{label}} in {{title}}{{/lead}}{{^missing}}, nothing missing{{/missing}}
            """)
        let page = Page(
            title: "Peta <nasional>", fallback: "–", t: ["greeting": "Selamat datang"],
            rows: [Line(label: "Aceh", note: "SK berlaku", count: 3, tags: ["a", "b"]),
                   Line(label: "Papua", note: nil, count: 0, tags: [])],
            none: [], shown: true, hidden: false, lead: Line(label: "Maluku", note: nil, count: 1, tags: []), missing: nil)

        let fromTree = template.render(templateTree(page))
        #expect(fromTree == template.render(page))
        #expect(fromTree == """
            <h1>Peta &lt;nasional&gt;</h1>Selamat datang
            [Aceh:3 SK berlaku<a><b>][Papua:0 –]
            no lines shown
            lead Maluku in Peta &lt;nasional&gt;, nothing missing
            """)
    }
}
