/// A value a portal template reads: a page, or a line or part of one. The templates see
/// its stored properties by name, as the synthesized `Encodable` conformance writes them:
/// text and numbers as text, `Bool` as a flag, arrays as lists, views and dictionaries as
/// objects, and a `nil` left out, so that a lookup climbs to the enclosing context.
protocol PortalView: Encodable, Sendable {}

/// Makes the ``TemplateValue`` tree of a view through its `Encodable` conformance: calls
/// the compiler writes, with no `Mirror` and no dynamic casts (which were a fifth of a map
/// page's rendering, when swift-mustache read the model directly).
enum TemplateEncoder {
    static func encode(_ value: some Encodable) -> TemplateValue {
        let node = Node()
        do {
            try value.encode(to: NodeEncoder(node: node, codingPath: []))
        } catch {
            // Nothing here throws: a view's properties are text, numbers, flags and views.
            preconditionFailure("a portal view does not encode: \(error)")
        }
        return node.value
    }

    /// A value being written: an object's fields or a list's items, filled in as the
    /// containers that share it are written to.
    fileprivate final class Node {
        enum Content { case none, value(TemplateValue), object([String: Node]), list([Node]) }
        var content = Content.none

        var value: TemplateValue {
            switch content {
            case .none: .object([:])
            case .value(let value): value
            case .object(let fields): .object(fields.mapValues(\.value))
            case .list(let items): .list(items.map(\.value))
            }
        }

        func set(_ key: String, _ value: TemplateValue) {
            let child = Node()
            child.content = .value(value)
            set(key, child)
        }

        func set(_ key: String, _ child: Node) {
            guard case .object(var fields) = content else {
                content = .object([key: child])
                return
            }
            content = .none  // keep `fields` uniquely referenced while it grows
            fields[key] = child
            content = .object(fields)
        }

        func append(_ child: Node) {
            guard case .list(var items) = content else {
                content = .list([child])
                return
            }
            content = .none
            items.append(child)
            content = .list(items)
        }
    }

    fileprivate struct NodeEncoder: Encoder {
        let node: Node
        var codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if case .object = node.content {} else { node.content = .object([:]) }
            return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if case .list = node.content {} else { node.content = .list([]) }
            return Unkeyed(node: node, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            Single(node: node, codingPath: codingPath)
        }
    }

    fileprivate struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: Bool, forKey key: Key) { node.set(key.stringValue, .flag(value)) }
        mutating func encode(_ value: String, forKey key: Key) { node.set(key.stringValue, .text(value)) }
        mutating func encode(_ value: Int, forKey key: Key) { node.set(key.stringValue, .text(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) { node.set(key.stringValue, .text(String(value))) }
        mutating func encode(_ value: Double, forKey key: Key) { node.set(key.stringValue, .text(String(value))) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            let child = Node()
            try value.encode(to: NodeEncoder(node: child, codingPath: codingPath + [key]))
            node.set(key.stringValue, child)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            node.set(key.stringValue, child)
            return NodeEncoder(node: child, codingPath: codingPath + [key]).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            node.set(key.stringValue, child)
            return NodeEncoder(node: child, codingPath: codingPath + [key]).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let child = Node()
            node.set(key.stringValue, child)
            return NodeEncoder(node: child, codingPath: codingPath + [key])
        }
    }

    fileprivate struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]
        var count: Int {
            if case .list(let items) = node.content { items.count } else { 0 }
        }

        private func next() -> Node {
            let child = Node()
            node.append(child)
            return child
        }

        mutating func encodeNil() {}

        mutating func encode<T: Encodable>(_ value: T) throws {
            let child = next()
            if let text = value as? String {
                child.content = .value(.text(text))
            } else {
                try value.encode(to: NodeEncoder(node: child, codingPath: codingPath))
            }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            NodeEncoder(node: next(), codingPath: codingPath).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            NodeEncoder(node: next(), codingPath: codingPath).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder { NodeEncoder(node: next(), codingPath: codingPath) }
    }

    fileprivate struct Single: SingleValueEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey]

        mutating func encodeNil() {}
        mutating func encode(_ value: Bool) { node.content = .value(.flag(value)) }
        mutating func encode(_ value: String) { node.content = .value(.text(value)) }
        mutating func encode(_ value: Int) { node.content = .value(.text(String(value))) }
        mutating func encode(_ value: Int64) { node.content = .value(.text(String(value))) }
        mutating func encode(_ value: Double) { node.content = .value(.text(String(value))) }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
        }
    }
}
