import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// Aksi BHAM reporting in the portal (docs/reporting.md): `/reports` is the national picture
/// of a period (a map coloured by report state, the provinces and the recap),
/// `/regions/{code}/reports/{period}` a task force's report, where its coordinator writes the
/// entries and evidence and submits it, and a GTN reviewer scores, returns or verifies it;
/// `…/print` is the same report on A4 paper. Every change goes through `Gugus`, as the CLI's.
extension Portal {
    /// The largest evidence file, as `Gugus` takes it.
    static let evidenceLimit = EvidenceFile.maximumBytes

    // MARK: The national picture

    struct ReportsPage: PortalView {
        var frame: Frame
        var periods: [PeriodLine]
        var hasPeriods: Bool
        var period: PeriodLine?
        var map: TileGrid?
        var legend: [LegendItem]
        var rows: [StandingRow]
        var recap: [RecapLine]
        var csvHref: String?
        var isAdmin: Bool
    }

    struct PeriodLine: PortalView {
        var name: String
        var href: String
        var window: String
        var current: Bool
        var extensions: [String]
    }

    struct StandingRow: PortalView {
        var code: String
        var name: String
        var href: String
        var state: String
        var stateLabel: String
        var symbol: String
    }

    struct RecapLine: PortalView {
        var code: String
        var title: String
        var reported: String
        var sum: String
        var mean: String
        var evidence: String
    }

    func reportsPage(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let periods = try await gugus.periods()
        let today = CivilDate(Date(), in: RegionZone.jakarta.timeZone)
        let asked = request.uri.queryParameters.get("period").map { String($0) }
        let chosen = asked.flatMap { name in periods.first { $0.name == name } }
            ?? periods.last { $0.opensOn <= today } ?? periods.first
        if let asked, periods.first(where: { $0.name == asked }) == nil {
            throw GugusError.notFound(Localized(
                id: "tidak ada periode pelaporan '\(asked)'", en: "no reporting period '\(asked)'"))
        }
        var rows: [StandingRow] = []
        var tiles: [Tile] = []
        var legend: [LegendItem] = []
        var recap: [RecapLine] = []
        if let chosen {
            let national = try await gugus.nationalStatus(at: nil)
            let standings = try await gugus.reportStandings(period: chosen.name)
            let cell = 60, gap = 4
            for row in national.provinces {
                guard let code = row.regionCode else { continue }
                let standing = standings[code]
                let state = standing.map(Self.reportTileState) ?? ReportState.notStarted.rawValue
                let label = standing.map { Self.reportStateLabel($0, language) } ?? PortalText.word("report_not_started", language)
                let href = "/regions/\(code)/reports/\(APIRoute.escape(chosen.name))"
                rows.append(StandingRow(code: code, name: row.regionName, href: href, state: state, stateLabel: label, symbol: Self.reportSymbol(state)))
                if let place = TileMap.byCode[code] {
                    let x = place.column * cell, y = place.row * cell
                    tiles.append(Tile(
                        href: href, x: x, y: y, size: cell - gap, textX: x + (cell - gap) / 2, nameY: y + 22, symbolY: y + 44,
                        short: place.short, symbol: Self.reportSymbol(state), state: "report-\(state)", title: "\(row.regionName): \(label)"))
                }
            }
            let width = (TileMap.byCode.values.map(\.column).max() ?? 0) * cell + cell
            let height = (TileMap.byCode.values.map(\.row).max() ?? 0) * cell + cell
            legend = ["not_started", "draft", "submitted", "returned", "verified", "late"].map { state in
                LegendItem(state: "report-\(state)", symbol: Self.reportSymbol(state), label: PortalText.word("report_\(state)", language),
                           hint: PortalText.word("report_\(state)_hint", language), count: rows.filter { $0.state == state }.count)
            }
            tiles.sort { ($0.y, $0.x) < ($1.y, $1.x) }
            let map = TileGrid(width: width, height: height, tiles: tiles)
            recap = try await gugus.recap(period: chosen.name).rows.map { row in
                RecapLine(
                    code: row.actionCode, title: row.title, reported: "\(row.reported) / \(row.assignedTo)",
                    sum: row.sum.map { Self.number($0, language) + (row.unit.map { " \($0)" } ?? "") } ?? "–",
                    mean: row.mean.map { Self.number($0, language) } ?? "–",
                    evidence: row.evidenceShare.map { "\(row.withEvidence) (\(Int(($0 * 100).rounded())) %)" } ?? "–")
            }
            let page = ReportsPage(
                frame: frame(visitor, request: request, title: PortalText.word("reportsTitle", language), crumbs: [Crumb(label: PortalText.word("reportsTitle", language))]),
                periods: periods.map { periodLine($0, current: $0.id == chosen.id, language) }, hasPeriods: true,
                period: periodLine(chosen, current: true, language), map: map, legend: legend, rows: rows, recap: recap,
                csvHref: "/reports/recap.csv?period=\(APIRoute.escape(chosen.name))", isAdmin: visitor.caller?.role == .admin)
            return self.page("reports", page, visitor: visitor)
        }
        let page = ReportsPage(
            frame: frame(visitor, request: request, title: PortalText.word("reportsTitle", language), crumbs: [Crumb(label: PortalText.word("reportsTitle", language))]),
            periods: [], hasPeriods: false, period: nil, map: nil, legend: [], rows: [], recap: [], csvHref: nil,
            isAdmin: visitor.caller?.role == .admin)
        return self.page("reports", page, visitor: visitor)
    }

    func periodLine(_ period: ReportPeriod, current: Bool, _ language: Language) -> PeriodLine {
        let t = { (key: String) in PortalText.word(key, language) }
        return PeriodLine(
            name: period.name, href: "/reports?period=\(APIRoute.escape(period.name))",
            window: "\(LocalTime.longDate(period.opensOn, language: language)) – \(LocalTime.longDate(period.closesOn, language: language)), \(t("closesLocal"))",
            current: current,
            extensions: period.extensions.map { item in
                let scope = item.regionCode ?? t("everyRegion")
                return "\(scope): \(t("extendedUntil")) \(LocalTime.longDate(item.untilOn, language: language)) (\(item.reason))"
            })
    }

    func recapCSV(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let name = request.uri.queryParameters.get("period").map { String($0) } ?? ""
        return HTTPCoding.csvDownload(try await gugus.recap(period: name))
    }

    static func reportTileState(_ standing: ReportStanding) -> String {
        standing.late ? "late" : standing.state.rawValue
    }

    static func reportStateLabel(_ standing: ReportStanding, _ language: Language) -> String {
        standing.late
            ? "\(PortalText.word("report_\(standing.state.rawValue)", language)), \(PortalText.word("report_late", language).lowercased())"
            : PortalText.word("report_\(standing.state.rawValue)", language)
    }

    /// Status never by colour alone: each state has its symbol.
    static func reportSymbol(_ state: String) -> String {
        switch state {
        case "verified": "✓"
        case "submitted": "↑"
        case "returned": "↺"
        case "draft": "✎"
        case "late": "!"
        default: "○"
        }
    }

    static func number(_ value: Double, _ language: Language) -> String { ReportNumber.text(value, language) }

    // MARK: One report

    struct ReportPage: PortalView {
        var frame: Frame
        var regionName: String
        var period: String
        var state: String
        var stateLabel: String
        var symbol: String
        var due: String
        var submitted: String?
        var submissionNote: String?
        var reviewNote: String?
        var reviewed: String?
        var editable: Bool
        var reviewing: Bool
        var locked: Bool
        var entries: [EntryView]
        var hasEntries: Bool
        var submitAction: String?
        var returnAction: String?
        var verifyAction: String?
        var printHref: String
        var errors: [FieldError]
        var hasErrors: Bool
        var stepError: String?
    }

    struct EntryView: PortalView {
        var anchor: String
        var code: String
        var title: String
        var strategy: Int
        var indicator: String
        var target: String?
        var progressLabel: String
        var achievement: String?
        var value: String?
        var inputs: String?
        var evidence: [EvidenceView]
        var hasEvidence: Bool
        var proposed: [ProposalView]
        var hasProposals: Bool
        var score: String?
        /// Not `reviewNote`: a template lookup would climb to the report's own note.
        var entryNote: String?
        var action: String
        var evidenceAction: String
        var reviewAction: String
        var hasNumber: Bool
        var valueText: String
        var achievementText: String
        var progressOptions: [Option]
        var regencies: [Option]
        var hasRegencies: Bool
        var error: String?
        var scoreText: String
        var reviewNoteText: String
    }

    struct EvidenceView: PortalView {
        var id: Int64
        var label: String
        var href: String?
        var detail: String?
        var sha256: String?
        var removeAction: String?
    }

    struct ProposalView: PortalView {
        var title: String
        var href: String
        var when: String
        var attendance: String
        var acceptAction: String
        var dismissAction: String
    }

    func reportPage(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await reportPage(request, visitor, code: context.parameters.get("code") ?? "", period: context.pathText("period"))
    }

    func reportPage(
        _ request: Request, _ visitor: Visitor, code: String, period: String, error: GugusError? = nil, failedAction: String? = nil,
        stepFailed: Bool = false
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let t = { (key: String) in PortalText.word(key, language) }
        let report = try await gugus.report(ReportRef(taskForce: .region(code), period: period))
        let taskForce = try await gugus.taskForce(.region(code))
        let caller = gugus.caller
        let editable = !report.isLocked && (try? caller.requireWrite(to: taskForce)) != nil
        let reviewing = report.state == .submitted && (try? caller.requireReview(of: taskForce)) != nil
        let base = "/regions/\(code)/reports/\(APIRoute.escape(report.period))"
        let zone = report.zone
        let regencies = editable && taskForce.level == .regional
            ? try await gugus.regions(level: .regency).filter { $0.parentCode == code } : []
        let message = error?.message.text(language)

        let entries = report.entries.map { entry in
            entryView(entry, base: base, editable: editable, zone: zone, regencies: regencies,
                      error: failedAction == entry.actionCode ? message : nil, language)
        }
        let state = report.late ? "late" : report.state.rawValue
        let errors = error.map { error in
            [FieldError(field: failedAction.map { "aksi-\($0)" } ?? (stepFailed ? "step" : "main"), message: error.message.text(language))]
        } ?? []
        let model = ReportPage(
            frame: frame(visitor, request: request, title: "\(report.period) – \(taskForce.regionName ?? taskForce.name)",
                         crumbs: [Crumb(label: t("reportsTitle"), href: "/reports?period=\(APIRoute.escape(report.period))"),
                                  Crumb(label: taskForce.regionName ?? taskForce.name, href: "/regions/\(code)"), Crumb(label: report.period)],
                         notice: Self.reportNotice(request, language)),
            regionName: taskForce.regionName ?? taskForce.name, period: report.period, state: state,
            stateLabel: Self.reportStateLabel(ReportStanding(period: report.period, state: report.state, late: report.late, dueAt: report.dueAt), language),
            symbol: Self.reportSymbol(state), due: LocalTime.long(report.closesAt, in: zone, language: language),
            submitted: report.submittedAt.map { "\(LocalTime.long($0, in: zone, language: language)) (\(report.submittedBy ?? "?"))" },
            submissionNote: report.submissionNote, reviewNote: report.reviewNote,
            reviewed: report.reviewedAt.map { "\(LocalTime.long($0, in: zone, language: language)) (\(report.reviewedBy ?? "?"))" },
            editable: editable, reviewing: reviewing, locked: report.isLocked, entries: entries, hasEntries: !entries.isEmpty,
            submitAction: editable && !entries.isEmpty ? "\(base)/submit" : nil,
            returnAction: reviewing ? "\(base)/return" : nil, verifyAction: reviewing ? "\(base)/verify" : nil,
            printHref: "\(base)/print", errors: errors, hasErrors: !errors.isEmpty, stepError: stepFailed ? message : nil)
        return page("report", model, visitor: visitor, status: error == nil ? .ok : .unprocessableContent)
    }

    /// One entry as the report page draws it; with `editable` false (the print page, a
    /// locked report) it has no forms to fill and proposes nothing.
    func entryView(
        _ entry: ReportEntry, base: String, editable: Bool, zone: RegionZone, regencies: [Region] = [], error: String? = nil, _ language: Language
    ) -> EntryView {
        let actionBase = "\(base)/entries/\(APIRoute.escape(entry.actionCode))"
        let unit = entry.unit.map { " \($0)" } ?? ""
        let proposed = editable ? entry.proposed.map { proposal in
            ProposalView(
                title: proposal.title, href: "/sessions/\(proposal.sessionId)",
                when: LocalTime.long(proposal.startsAt, in: zone, language: language),
                attendance: language == .id ? "\(proposal.attended) hadir dari \(proposal.participants) peserta" : "\(proposal.attended) attended of \(proposal.participants)",
                acceptAction: "\(actionBase)/sessions/\(proposal.sessionId)/accept",
                dismissAction: "\(actionBase)/sessions/\(proposal.sessionId)/dismiss")
        } : []
        return EntryView(
            anchor: "aksi-\(entry.actionCode)", code: entry.actionCode, title: entry.title, strategy: entry.strategy, indicator: entry.indicator,
            target: entry.target.map { Self.number($0, language) + unit }, progressLabel: entry.progress.label.text(language),
            achievement: entry.achievement, value: entry.value.map { Self.number($0, language) + unit },
            inputs: entry.inputsFrom.isEmpty ? nil : entry.inputsFrom.joined(separator: ", "),
            evidence: entry.evidence.map { item in evidenceView(item, base: base, actionBase: actionBase, editable: editable, zone: zone, language) },
            hasEvidence: !entry.evidence.isEmpty, proposed: proposed, hasProposals: !proposed.isEmpty,
            score: entry.score.map(String.init), entryNote: entry.reviewNote,
            action: actionBase, evidenceAction: "\(actionBase)/evidence", reviewAction: "\(actionBase)/review",
            hasNumber: entry.unit != nil, valueText: entry.value.map { Self.number($0, language) } ?? "",
            achievementText: entry.achievement ?? "",
            progressOptions: EntryProgress.allCases.map { Option(value: $0.rawValue, label: $0.label.text(language), selected: $0 == entry.progress) },
            regencies: regencies.map { Option(value: $0.code, label: "\($0.name) (\($0.code))", selected: entry.inputsFrom.contains($0.code)) },
            hasRegencies: !regencies.isEmpty, error: error,
            scoreText: entry.score.map(String.init) ?? "", reviewNoteText: entry.reviewNote ?? "")
    }

    func evidenceView(_ item: Evidence, base: String, actionBase: String, editable: Bool, zone: RegionZone, _ language: Language) -> EvidenceView {
        let remove = editable ? "\(actionBase)/evidence/\(item.id)/remove" : nil
        switch item.kind {
        case .file:
            return EvidenceView(id: item.id, label: item.fileName ?? "berkas", href: "\(base)/evidence/\(item.id)", detail: item.sizeText, sha256: item.sha256, removeAction: remove)
        case .link:
            return EvidenceView(id: item.id, label: item.description ?? item.url ?? "", href: item.url, detail: item.description == nil ? nil : item.url,
                                sha256: nil, removeAction: remove)
        case .session:
            let when = item.sessionStartsAt.map { LocalTime.long($0, in: zone, language: language) } ?? ""
            let attendance = language == .id
                ? "\(item.attended ?? 0) hadir dari \(item.participants ?? 0) peserta" : "\(item.attended ?? 0) attended of \(item.participants ?? 0)"
            return EvidenceView(id: item.id, label: item.sessionTitle ?? "", href: item.sessionId.map { "/sessions/\($0)" },
                                detail: "\(when) · \(attendance)", sha256: nil, removeAction: remove)
        }
    }

    static func reportNotice(_ request: Request, _ language: Language) -> String? {
        guard let raw = request.uri.queryParameters.get("done") else { return nil }
        let done = String(raw)
        let key = "reportDone_\(done)"
        return PortalText.words[key] == nil ? nil : PortalText.word(key, language)
    }

    // MARK: Changes

    /// Runs a change to a report from a form; a refusal shows the report again with the
    /// message beside the action's entry (or at the top), nothing changed.
    func reportChange(
        _ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, limit: Int = 64 * 1024, done: String,
        _ change: @Sendable (DatabaseGugus, ReportRef, String, SentForm) async throws -> Void
    ) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let code = context.parameters.get("code") ?? ""
        let period = context.pathText("period")
        let action = context.parameters.get("action").map { $0.removingPercentEncoding ?? $0 }
        let sent = try await Self.checkedForm(request, visitor, limit: limit)
        let reference = ReportRef(taskForce: .region(code), period: period)
        do {
            try await change(gugus, reference, action ?? "", sent)
        } catch let error as GugusError where [.invalid, .conflict, .notFound].contains(error.kind) {
            return try await reportPage(request, visitor, code: code, period: period, error: error, failedAction: action, stepFailed: action == nil)
        }
        let anchor = action.map { "#aksi-\(APIRoute.escape($0))" } ?? ""
        return Self.redirect("/regions/\(code)/reports/\(APIRoute.escape(period))?done=\(done)\(anchor)")
    }

    func saveEntry(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await reportChange(request, context, visitor, done: "saved") { gugus, reference, action, sent in
            var value: Double?
            let valueText = sent["value"].replacingOccurrences(of: ",", with: ".")
            if !valueText.isEmpty {
                guard let number = Double(valueText) else {
                    throw GugusError.invalid(field: "value", value: sent["value"], Localized(
                        id: "capaian '\(sent["value"])' bukan angka (misalnya 4 atau 2,5)", en: "the value '\(sent["value"])' is not a number (such as 4 or 2.5)"))
                }
                value = number
            }
            let progress = try EntryProgress.parse(sent.optional("progress") ?? "not_started", field: "progress")
            // Checkboxes: every regency sent as inputs_from=CODE; none checked clears the list.
            let inputs = sent.all("inputs_from")
            _ = try await gugus.setEntry(reference, action: action, EntryChange(
                achievement: sent["achievement"], value: value, progress: progress,
                inputsFrom: sent.fields["regencies_shown"] == nil ? nil : inputs))
        }
    }

    func addReportEvidence(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await reportChange(request, context, visitor, limit: Self.evidenceLimit + 256 * 1024, done: "evidence") { gugus, reference, action, sent in
            if let file = sent.files["file"], !file.content.isEmpty {
                _ = try await gugus.addEvidence(reference, action: action, .file(EvidenceFile(fileName: file.fileName, mediaType: file.mediaType, content: Data(file.content))))
            } else if let url = sent.optional("url") {
                _ = try await gugus.addEvidence(reference, action: action, .link(url: url, description: sent.optional("description")))
            } else {
                throw GugusError.invalid(field: "file", value: nil, Localized(
                    id: "pilih berkas atau tulis tautan sebagai bukti", en: "choose a file or write a link as evidence"))
            }
        }
    }

    func removeReportEvidence(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let id = try context.id("evidence")
        return try await reportChange(request, context, visitor, done: "removed") { gugus, reference, action, _ in
            _ = try await gugus.removeEvidence(reference, action: action, evidenceID: id, sessionID: nil)
        }
    }

    func proposal(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, accept: Bool) async throws -> Response {
        let session = try context.id("session")
        return try await reportChange(request, context, visitor, done: accept ? "accepted" : "dismissed") { gugus, reference, action, _ in
            if accept {
                _ = try await gugus.addEvidence(reference, action: action, .session(id: session))
            } else {
                _ = try await gugus.removeEvidence(reference, action: action, evidenceID: nil, sessionID: session)
            }
        }
    }

    func reviewReportEntry(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        try await reportChange(request, context, visitor, done: "reviewed") { gugus, reference, action, sent in
            var score: Int?
            if let text = sent.optional("score") {
                guard let number = Int(text) else {
                    throw GugusError.invalid(field: "score", value: text, Localized(
                        id: "nilai '\(text)' harus bilangan bulat 0 sampai 100", en: "the score '\(text)' must be a whole number from 0 to 100"))
                }
                score = number
            }
            _ = try await gugus.reviewEntry(reference, action: action, EntryReview(score: score, note: sent["note"]))
        }
    }

    func stepReport(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor, _ step: ReportStep) async throws -> Response {
        try await reportChange(request, context, visitor, done: step.rawValue) { gugus, reference, _, sent in
            _ = try await gugus.stepReport(reference, step, note: sent.optional("note"))
        }
    }

    func reportEvidenceFile(_ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let reference = ReportRef(taskForce: .region(context.parameters.get("code") ?? ""), period: context.pathText("period"))
        let file = try await gugus.evidenceFile(reference, evidenceID: try context.id("evidence"))
        var response = HTTPCoding.file(file)
        response.headers[.cacheControl] = "private, no-store"
        return response
    }

    // MARK: Printing

    struct PrintPage: PortalView {
        var lang: String
        var t: [String: String]
        var stylesheet: String
        var title: String
        var taskForce: String
        var period: String
        var stateLabel: String
        var due: String
        var submitted: String?
        var reviewNote: String?
        var printed: String
        var entries: [EntryView]
    }

    /// The report on A4: every entry, the evidence with each file's SHA-256, for signing and
    /// filing; the browser's print dialog makes the PDF.
    func reportPrint(_ request: Request, _ context: GugusRequestContext, _ visitor: Visitor) async throws -> Response {
        let gugus = try gugus(for: visitor)
        let language = visitor.language
        let code = context.parameters.get("code") ?? ""
        let report = try await gugus.report(ReportRef(taskForce: .region(code), period: context.pathText("period")))
        let base = "/regions/\(code)/reports/\(APIRoute.escape(report.period))"
        let zone = report.zone
        let entries = report.entries.map { entryView($0, base: base, editable: false, zone: zone, language) }
        let model = PrintPage(
            lang: language.rawValue, t: PortalText.table(language), stylesheet: Self.stylesheet.href,
            title: "\(report.period) – \(report.taskForce)", taskForce: report.taskForce, period: report.period,
            stateLabel: Self.reportStateLabel(ReportStanding(period: report.period, state: report.state, late: report.late, dueAt: report.dueAt), language),
            due: LocalTime.long(report.closesAt, in: zone, language: language),
            submitted: report.submittedAt.map { "\(LocalTime.long($0, in: zone, language: language)) (\(report.submittedBy ?? "?"))" },
            reviewNote: report.reviewNote, printed: LocalTime.long(Date(), in: zone, language: language), entries: entries)
        return page("report-print", model, visitor: visitor)
    }
}

extension Portal.SentForm {
    /// Every value sent under a name (checkboxes), as `fields` keeps only the last.
    func all(_ name: String) -> [String] {
        (lists[name] ?? fields[name].map { [$0] } ?? []).filter { !$0.isEmpty }
    }
}
