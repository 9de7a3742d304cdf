import Mustache

/// A value a portal template reads: a page, or a line or part of one.
///
/// swift-mustache finds each `{{name}}` through `Mirror`, once per name and per enclosing
/// context, and a name missing from a row (a `nil`) is looked for again in every context
/// above it, up to the page. Under `perf` that was 85% of a map page's request with a
/// 552-row table. ``templateTree(_:)`` walks the model once, before rendering,
/// into dictionaries and arrays, which swift-mustache reads by key (`MustacheParent`).
/// The templates see the same names: a view's stored properties.
protocol PortalView: Sendable {}

/// `value` with every `PortalView` in it made a `[String: Any]` of its stored properties
/// (a `nil` property left out, so that a lookup climbs to the enclosing context as
/// before), and every array made an array of the same. Other values stay as they are.
func templateTree(_ value: Any) -> Any {
    if value is any PortalView {
        var fields: [String: Any] = [:]
        for child in Mirror(reflecting: value).children {
            guard let label = child.label else { continue }
            if let optional = child.value as? any OptionalValue {
                if let wrapped = optional.wrapped { fields[label] = templateTree(wrapped) }
            } else {
                fields[label] = templateTree(child.value)
            }
        }
        return fields
    }
    if let array = value as? [Any] { return array.map(templateTree) }
    if value is Bool || value is [String: String] { return value }
    return TemplateText(String(describing: value))
}

/// A value's text, which swift-mustache prints as it is (escaped) without looking into it
/// again: no `Optional` check, no `String(describing:)` of an `Any` at every `{{name}}`.
struct TemplateText: MustacheCustomRenderable {
    let renderText: String
    var isNull: Bool { false }
    init(_ text: String) { renderText = text }
}

private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { self }
}
