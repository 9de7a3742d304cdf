import Foundation

/// The portal's templates: the part of Mustache that `portal/*.mustache` uses, parsed once
/// and rendered over a ``TemplateValue`` tree into bytes.
///
/// Why not swift-mustache, which drew these pages first: it finds every `{{name}}` by
/// splitting the name, copying the context stack and trying six dynamic casts on each value
/// on the way, and escapes text one `Character` at a time through a dictionary. Under
/// `perf` that was 5 ms of a map page's 18 on the bench's deployment-sized dataset, as much
/// as the status query. Here a name is split once, when the template is parsed; a lookup is
/// a dictionary read per context; text is escaped by scanning its UTF-8 bytes.
///
/// What is supported, with Mustache's meaning:
/// - `{{name}}`, `{{a.b}}` and `{{.}}`, HTML-escaped (`& < > " '`);
/// - sections `{{#name}}…{{/name}}` (a list: once per item; `true`: once; text or an
///   object: once, with it on top of the context; absent or `false` or an empty list:
///   not at all) and inverted sections `{{^name}}…{{/name}}`;
/// - a partial `{{> name}}`, a parent `{{< name}}…{{/name}}` with its blocks
///   `{{$name}}…{{/name}}`;
/// - standalone lines: a line holding only a section, partial, parent or block tag and
///   white space leaves nothing in the output, so templates can be indented freely (with
///   swift-mustache's reading of "only", see `Parser`). Partials, parents and blocks
///   outside a parent go at the start of their line: their indentation is refused.
///
/// Debug builds render every page with swift-mustache too and refuse a difference
/// (``Portal/page(_:_:visitor:status:)``), so every portal test checks that the two agree.
struct PortalTemplate: Sendable {
    let nodes: [Node]

    indirect enum Node: Sendable {
        case text([UInt8])
        case variable(Path)
        case section(Path, [Node], inverted: Bool)
        case partial(String, indentation: [UInt8])
        case parent(String, blocks: [String: [Node]])
        case block(String, defaultNodes: [Node])
    }

    /// A dotted name, split: `[]` is `.`, the context itself.
    struct Path: Sendable, Equatable {
        var names: [String]
        var text: String { names.isEmpty ? "." : names.joined(separator: ".") }
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    init(_ source: String) throws(ParseError) {
        var parser = Parser(source: Array(source.utf8))
        nodes = try parser.parse(Parser.Scope())
    }

    // MARK: Parsing

    /// Reads a template the way swift-mustache does, so that both leave the same white
    /// space: a line is *standalone* when a section, partial, parent or block tag stands on
    /// it with only spaces and tabs around it; then its indentation and line break are left
    /// out. "On it" means after the start of a line or after another standalone tag, and the
    /// first line inside a parent `{{< name}}` counts as a line start, so
    /// `{{<layout}}{{$content}}` on the first line leaves nothing. Inside a parent's blocks,
    /// the first line's indentation is taken off every line.
    private struct Parser {
        let source: [UInt8]
        var position = 0

        init(source: [UInt8]) { self.source = source }

        struct Scope {
            var name: String?
            /// The line of the tag that opened it.
            var line = 1
            var atLineStart = true
            /// Directly inside a parent, where only blocks count.
            var inParent = false
            /// Inside a parent's block, with the indentation its first line set.
            var inBlockDefinition = false
            var definitionIndent: Int?
        }

        var atEnd: Bool { position >= source.count }

        /// The line the reading is on.
        var line: Int { source[..<min(position, source.count)].count { $0 == Self.newline } + 1 }

        func error(_ reason: String, line: Int? = nil) -> ParseError {
            ParseError(line: line ?? self.line, reason: reason)
        }

        static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")
        static let open: [UInt8] = Array("{{".utf8), close: [UInt8] = Array("}}".utf8)

        func starts(with bytes: [UInt8], at index: Int) -> Bool {
            index + bytes.count <= source.count && source[index..<index + bytes.count].elementsEqual(bytes)
        }

        /// Spaces and tabs from here.
        mutating func whiteSpace() -> [UInt8] {
            let start = position
            while !atEnd, source[position] == Self.space || source[position] == Self.tab { position += 1 }
            return Array(source[start..<position])
        }

        /// True, past the line break, when only spaces and tabs are left on this line.
        mutating func lineFinished() -> Bool {
            if atEnd { return true }
            var end = position
            while end < source.count, source[end] == Self.space || source[end] == Self.tab { end += 1 }
            if end < source.count, source[end] == Self.newline {
                position = end + 1
                return true
            }
            if end + 1 < source.count, source[end] == UInt8(ascii: "\r"), source[end + 1] == Self.newline {
                position = end + 2
                return true
            }
            return false
        }

        mutating func parse(_ scope: Scope) throws(ParseError) -> [Node] {
            var scope = scope
            var nodes: [Node] = []
            var before: [UInt8] = []
            func flush(_ text: [UInt8]) { if !text.isEmpty { nodes.append(.text(text)) } }

            while !atEnd {
                if scope.atLineStart {
                    let indentation = whiteSpace()
                    if scope.inBlockDefinition {
                        if let indent = scope.definitionIndent {
                            before = Array(indentation.dropFirst(indent))
                        } else {
                            scope.definitionIndent = indentation.count
                        }
                    } else {
                        before = indentation
                    }
                }
                let textStart = position
                while !atEnd, source[position] != Self.newline, !starts(with: Self.open, at: position) { position += 1 }
                let text = Array(source[textStart..<position])
                if !atEnd, source[position] == Self.newline {
                    flush(before + text + [Self.newline])
                    before = []
                    scope.atLineStart = true
                    position += 1
                    continue
                }
                if !text.isEmpty {
                    flush(before + text)
                    before = []
                    scope.atLineStart = false
                }
                if atEnd { break }

                position += Self.open.count
                let tagLine = line
                let tag = try self.tag()
                var standalone = false
                switch tag {
                case .variable(let path):
                    flush(before)
                    before = []
                    nodes.append(.variable(path))
                case .open(let name, .section(let path)), .open(let name, .inverted(let path)):
                    standalone = scope.atLineStart && lineFinished()
                    if !standalone { flush(before) }
                    before = []
                    let inner = try parse(Scope(
                        name: name, line: tagLine, atLineStart: standalone, inBlockDefinition: scope.inBlockDefinition || scope.inParent,
                        definitionIndent: scope.definitionIndent))
                    let inverted = if case .open(_, .inverted) = tag { true } else { false }
                    nodes.append(.section(path, inner, inverted: inverted))
                case .close(let name):
                    guard let open = scope.name else { throw error("{{/\(name)}} closes nothing") }
                    guard name == open else { throw error("{{/\(name)}} closes {{\(open)}} of line \(scope.line)") }
                    if !(scope.atLineStart && lineFinished()) { flush(before) }
                    return nodes
                case .partial(let name):
                    guard before.isEmpty else { throw error("{{> \(name)}} is indented: put it at the start of its line") }
                    standalone = scope.atLineStart && lineFinished()
                    nodes.append(.partial(name, indentation: []))
                case .open(let name, .parent):
                    guard before.isEmpty else { throw error("{{<\(name)}} is indented: put it at the start of its line") }
                    standalone = scope.atLineStart && lineFinished()
                    let inner = try parse(Scope(name: name, line: tagLine, atLineStart: true, inParent: true))
                    var blocks: [String: [Node]] = [:]
                    for node in inner {
                        switch node {
                        case .block(let blockName, let blockNodes): blocks[blockName] = blockNodes
                        case .text: break
                        default: throw error("{{<\(name)}} may hold only blocks {{$name}}")
                        }
                    }
                    nodes.append(.parent(name, blocks: blocks))
                case .open(let name, .block):
                    if !scope.inParent {
                        guard before.isEmpty else { throw error("{{$\(name)}} is indented: put it at the start of its line") }
                    }
                    standalone = scope.atLineStart && lineFinished()
                    let inner = try parse(Scope(
                        name: name, line: tagLine, atLineStart: standalone, inBlockDefinition: scope.inParent || scope.inBlockDefinition,
                        definitionIndent: scope.inParent ? nil : scope.definitionIndent))
                    nodes.append(.block(name, defaultNodes: inner))
                }
                scope.atLineStart = standalone
            }
            if let name = scope.name { throw error("{{\(name)}} is never closed", line: scope.line) }
            return nodes
        }

        /// The tag after `{{`, read up to its `}}`.
        mutating func tag() throws(ParseError) -> Tag {
            let start = position
            while !atEnd, !starts(with: Self.close, at: position), source[position] != Self.newline { position += 1 }
            guard starts(with: Self.close, at: position) else { throw error("a tag opens with {{ and does not close on its line") }
            let body = String(decoding: source[start..<position], as: UTF8.self)
            position += Self.close.count
            let sigil = body.first
            let name = String((["#", "^", "/", "<", "$", ">"].contains(sigil) ? body.dropFirst() : body[...])
                .trimmingCharacters(in: .whitespaces))
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                throw error("{{\(body)}} is not a tag these templates use")
            }
            let path = Path(names: name == "." ? [] : name.split(separator: ".").map(String.init))
            switch sigil {
            case "#": return .open(name, .section(path))
            case "^": return .open(name, .inverted(path))
            case "<": return .open(name, .parent)
            case "$": return .open(name, .block)
            case "/": return .close(name)
            case ">": return .partial(name)
            default: return .variable(path)
            }
        }
    }

    private enum Tag {
        case variable(Path)
        case open(String, Kind)
        case close(String)
        case partial(String)

        enum Kind { case section(Path), inverted(Path), parent, block }
    }
}

// MARK: - Rendering

/// What a template reads: a page's model as text, flags, lists and objects
/// (``TemplateEncoder`` makes it from a ``PortalView``).
indirect enum TemplateValue: Sendable, Equatable {
    case text(String)
    case flag(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

    subscript(name: String) -> TemplateValue? {
        if case .object(let fields) = self { fields[name] } else { nil }
    }
}

/// Named templates that refer to each other by name, as `portal/` does.
struct PortalTemplates: Sendable {
    let templates: [String: PortalTemplate]

    /// The template `name` rendered over `value`, or nil when there is no such template.
    func render(_ name: String, _ value: TemplateValue) -> [UInt8]? {
        guard let template = templates[name] else { return nil }
        var renderer = Renderer(templates: templates, stack: [value])
        renderer.output.reserveCapacity(32 * 1024)
        renderer.render(template.nodes)
        return renderer.output
    }

    private struct Renderer {
        let templates: [String: PortalTemplate]
        var stack: [TemplateValue]
        /// Blocks a parent's caller gave, outermost caller's first: they win.
        var blocks: [[String: [PortalTemplate.Node]]] = []
        var output: [UInt8] = []

        init(templates: [String: PortalTemplate], stack: [TemplateValue]) {
            self.templates = templates
            self.stack = stack
        }

        mutating func render(_ nodes: [PortalTemplate.Node]) {
            for node in nodes {
                switch node {
                case .text(let bytes):
                    output.append(contentsOf: bytes)
                case .variable(let path):
                    switch lookup(path) {
                    case .text(let text): escape(text)
                    case .flag(let flag): escape(flag ? "true" : "false")
                    case .list, .object, nil: break
                    }
                case .section(let path, let nodes, let inverted):
                    let value = lookup(path)
                    if inverted {
                        if !Self.isTruthy(value) { render(nodes) }
                        continue
                    }
                    switch value {
                    case .list(let items):
                        for item in items { within(item, nodes) }
                    case .flag(let flag):
                        if flag { render(nodes) }
                    case .text, .object:
                        within(value!, nodes)
                    case nil:
                        break
                    }
                case .partial(let name, let indentation):
                    guard let template = templates[name] else { continue }
                    if indentation.isEmpty {
                        render(template.nodes)
                    } else {
                        var inner = Renderer(templates: templates, stack: stack)
                        inner.blocks = blocks
                        inner.render(template.nodes)
                        indent(inner.output, by: indentation)
                    }
                case .parent(let name, let given):
                    guard let template = templates[name] else { continue }
                    blocks.append(given)
                    render(template.nodes)
                    blocks.removeLast()
                case .block(let name, let defaultNodes):
                    render(blocks.lazy.compactMap { $0[name] }.first ?? defaultNodes)
                }
            }
        }

        mutating func within(_ value: TemplateValue, _ nodes: [PortalTemplate.Node]) {
            stack.append(value)
            render(nodes)
            stack.removeLast()
        }

        static func isTruthy(_ value: TemplateValue?) -> Bool {
            switch value {
            case .list(let items): !items.isEmpty
            case .flag(let flag): flag
            case .text, .object: true
            case nil: false
            }
        }

        /// The first name found in the innermost context that has it, the rest from there.
        func lookup(_ path: PortalTemplate.Path) -> TemplateValue? {
            guard let first = path.names.first else { return stack.last }
            for context in stack.reversed() {
                guard var value = context[first] else { continue }
                for name in path.names.dropFirst() {
                    guard let child = value[name] else { return nil }
                    value = child
                }
                return value
            }
            return nil
        }

        mutating func escape(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                var start = 0
                for (index, byte) in bytes.enumerated() {
                    let replacement: StaticString
                    switch byte {
                    case UInt8(ascii: "<"): replacement = "&lt;"
                    case UInt8(ascii: ">"): replacement = "&gt;"
                    case UInt8(ascii: "&"): replacement = "&amp;"
                    case UInt8(ascii: "\""): replacement = "&quot;"
                    case UInt8(ascii: "'"): replacement = "&#39;"
                    default: continue
                    }
                    output.append(contentsOf: bytes[start..<index])
                    output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                    start = index + 1
                }
                output.append(contentsOf: bytes[start...])
            }
        }

        /// A standalone partial's output with its line's indentation before every line.
        mutating func indent(_ bytes: [UInt8], by indentation: [UInt8]) {
            var atLineStart = true
            for byte in bytes {
                if atLineStart { output.append(contentsOf: indentation) }
                output.append(byte)
                atLineStart = byte == UInt8(ascii: "\n")
            }
        }
    }
}
