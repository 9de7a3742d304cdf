/// The OpenAPI document served at `/openapi.yaml`: `docs/openapi.yaml`, embedded at build time.
enum OpenAPIDocument {
    static let yaml: String = EmbeddedOpenAPI.files.first?.contents ?? "openapi: 3.1.0\n"
}
