import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

extension APIRoutes {
    func registerReports(on group: RouterGroup<GugusRequestContext>) {
        group.on(.listReportActions, under: "/v1") { request, context in
            let query = Query(request: request)
            return try HTTPCoding.page(try await gugus(context).actions(programme: query.string("programme")), try query.page())
        }
        group.on(.importReportActions, under: "/v1") { request, context in
            let csv = try await csvBody(request, context: context)
            return JSONAnswer(try await gugus(context).importActions(csv: csv, programme: Query(request: request).string("programme")))
        }
        group.on(.listReportPeriods, under: "/v1") { request, context in
            try HTTPCoding.page(try await gugus(context).periods(), try Query(request: request).page())
        }
        group.on(.addReportPeriod, under: "/v1") { request, context in
            let input = try await request.decode(as: NewReportPeriod.self, context: context)
            return JSONAnswer(try await gugus(context).addPeriod(input), status: .created)
        }
        group.on(.extendReportPeriod, under: "/v1") { request, context in
            let input = try await request.decode(as: PeriodExtension.self, context: context)
            return JSONAnswer(try await gugus(context).extendPeriod(context.pathText("period"), input))
        }
        group.on(.reportRecap, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).recap(period: context.pathText("period")))
        }
        group.on(.reportRecapCSV, under: "/v1") { _, context in
            let recap = try await gugus(context).recap(period: context.pathText("period"))
            return HTTPCoding.csvDownload(recap)
        }
        group.on(.getReport, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).report(try context.reportRef()))
        }
        group.on(.setReportEntry, under: "/v1") { request, context in
            let change = try await request.decode(as: EntryChange.self, context: context)
            return JSONAnswer(try await gugus(context).setEntry(try context.reportRef(), action: context.pathText("action"), change))
        }
        group.on(.addReportEvidence, under: "/v1") { request, context in
            let body = try await request.decode(as: EvidenceRequest.self, context: context)
            return JSONAnswer(try await gugus(context).addEvidence(try context.reportRef(), action: context.pathText("action"), try body.input()), status: .created)
        }
        group.on(.addReportEvidenceFile, under: "/v1") { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let name = Query(request: request).string("file_name") ?? ""
            let file = EvidenceFile(fileName: name, mediaType: request.headers[.contentType], content: Data(body.readableBytesView))
            return JSONAnswer(try await gugus(context).addEvidence(try context.reportRef(), action: context.pathText("action"), .file(file)), status: .created)
        }
        group.on(.removeReportEvidence, under: "/v1") { request, context in
            let body = try await request.decode(as: EvidenceRemoval.self, context: context)
            return JSONAnswer(try await gugus(context).removeEvidence(
                try context.reportRef(), action: context.pathText("action"), evidenceID: body.evidenceId, sessionID: body.sessionId))
        }
        group.on(.reviewReportEntry, under: "/v1") { request, context in
            let review = try await request.decode(as: EntryReview.self, context: context)
            return JSONAnswer(try await gugus(context).reviewEntry(try context.reportRef(), action: context.pathText("action"), review))
        }
        group.on(.getEvidenceFile, under: "/v1") { _, context in
            let file = try await gugus(context).evidenceFile(try context.reportRef(), evidenceID: try context.id("evidence"))
            return HTTPCoding.file(file)
        }
        for (route, step) in [(APIRoute.submitReport, ReportStep.submit), (.returnReport, .return), (.verifyReport, .verify)] {
            group.on(route, under: "/v1") { request, context in
                let body = try await request.decode(as: ReportStepRequest.self, context: context)
                return JSONAnswer(try await gugus(context).stepReport(try context.reportRef(), step, note: body.note))
            }
        }
    }

    private func csvBody(_ request: Request, context: GugusRequestContext) async throws -> Data {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("text/csv") else {
            throw GugusError.invalid(field: "Content-Type", value: contentType, Localized(
                id: "kirim berkas CSV dengan Content-Type: text/csv", en: "send the CSV file with Content-Type: text/csv"))
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return Data(body.readableBytesView)
    }
}

extension GugusRequestContext {
    /// A path parameter as text, percent-decoded (period names have spaces).
    func pathText(_ name: String) -> String {
        let raw = parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    /// The task force (`{id}`) and period (`{period}`) of a report path.
    func reportRef() throws(GugusError) -> ReportRef {
        ReportRef(taskForce: try taskForce(), period: pathText("period"))
    }
}

extension HTTPCoding {
    /// The recap as Excel opens it: UTF-8 with a byte-order mark, as an attachment whose name
    /// is the period's, in letters and digits.
    static func csvDownload(_ recap: ReportRecap) -> Response {
        let name = recap.period.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? String($0) : "-" }.joined()
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"rekap-\(name).csv\"", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + recap.csv())))
    }

    /// A stored file, as a download with its name and type.
    static func file(_ file: EvidenceFile) -> Response {
        let safeName = file.fileName.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        let headers: HTTPFields = [
            .contentType: file.mediaType ?? "application/octet-stream",
            .contentDisposition: "attachment; filename=\"\(safeName)\"",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.content)))
    }
}
