import Foundation
import GugusDatabase
import GugusModel
import HTTPTypes
import Hummingbird
import NIOCore

/// `/`: the national map, its counts, coverage over time, the status table and the next
/// sessions; and `/status.csv`, the table for Excel.
extension Portal {
    struct MapPage: PortalView {
        var frame: Frame
        var asOfValue: String
        var asOfText: String
        var dateError: String?
        var map: TileGrid
        var legend: [LegendItem]
        var provinces: Int
        var inForce: Int
        var shareText: String
        var coverage: CoverageChart
        var columns: [Column]
        var rows: [Row]
        var csvHref: String
        var sessions: [SessionLine]
    }

    struct TileGrid: PortalView {
        var width: Int
        var height: Int
        var tiles: [Tile]
    }

    struct Tile: PortalView {
        var href: String
        var x: Int
        var y: Int
        var size: Int
        var textX: Int
        var nameY: Int
        var symbolY: Int
        var short: String
        var symbol: String
        var state: String
        /// For screen readers and the tooltip: "Maluku Utara: Terbentuk".
        var title: String
    }

    struct LegendItem: PortalView {
        var state: String
        var symbol: String
        var label: String
        var hint: String
        var count: Int
    }

    struct CoverageChart: PortalView {
        var width: Int
        var height: Int
        var top: Int
        var baseline: Int
        var bars: [Bar]
        var gridLines: [GridLine]
        var summary: String
    }

    struct Bar: PortalView {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
        var title: String
        var label: String?
        var labelX: Int
    }

    struct GridLine: PortalView {
        var y: Int
        var label: String
    }

    struct Column: PortalView {
        var label: String
        var href: String
        var sorted: String?
    }

    struct Row: PortalView {
        var code: String
        var name: String
        var href: String
        var state: String
        var stateLabel: String
        var symbol: String
        var decree: String?
        var until: String?
        var members: Int
        var held: Int
    }

    func mapPage(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let reader = try mapReader(for: visitor)
        let language = visitor.language
        let asOfText = request.uri.queryParameters.get("at").map { String($0) }?.trimmingCharacters(in: .whitespaces) ?? ""
        let (asOf, dateError) = Self.date(from: asOfText, language)
        let national = try await reader.nationalStatus(at: asOf)
        let today = CivilDate(Date(), in: RegionZone.jakarta.timeZone)
        let shownDate = asOf ?? today
        let coverage = try await reader.coverageHistory()
        let upcoming = try await reader.sessions(SessionQuery(from: today, status: .scheduled, page: PageRequest(limit: 10))).items
        let regionsByTaskForce = Dictionary(national.provinces.compactMap { row in row.taskForceId.map { ($0, row.regionName) } },
                                            uniquingKeysWith: { first, _ in first })

        let cell = 60, gap = 4
        let tiles: [Tile] = national.provinces.compactMap { row in
            guard let code = row.regionCode, let place = TileMap.byCode[code] else { return nil }
            let x = place.column * cell, y = place.row * cell
            return Tile(
                href: "/regions/\(code)", x: x, y: y, size: cell - gap, textX: x + (cell - gap) / 2, nameY: y + 22, symbolY: y + 44,
                short: place.short, symbol: Self.stateSymbol(row.status), state: row.status.rawValue,
                title: "\(row.regionName): \(Self.stateLabel(row.status, language))")
        }
        let counts: [TaskForceState: Int] = [
            .established: national.coverage.established, .expiring: national.coverage.expiring,
            .lapsed: national.coverage.lapsed, .notFormed: national.coverage.notFormed,
        ]
        let legend = [TaskForceState.established, .expiring, .lapsed, .notFormed].map { state in
            LegendItem(state: state.rawValue, symbol: Self.stateSymbol(state), label: Self.stateLabel(state, language),
                       hint: PortalText.word("stateHint_\(state.rawValue)", language), count: counts[state] ?? 0)
        }
        let inForce = national.coverage.established + national.coverage.expiring
        let percent = national.coverage.provinces == 0 ? 0 : Int((Double(inForce) / Double(national.coverage.provinces) * 100).rounded())
        let share = language == .id
            ? "\(inForce) dari \(national.coverage.provinces) provinsi (\(percent)%) memiliki SK yang berlaku"
            : "\(inForce) of \(national.coverage.provinces) provinces (\(percent)%) have a decree in force"

        let sort = request.uri.queryParameters.get("sort").map { String($0) } ?? "code"
        let descending = request.uri.queryParameters.get("dir") == "desc"
        var rows = national.provinces.compactMap { row -> Row? in
            guard let code = row.regionCode else { return nil }
            return Row(
                code: code, name: row.regionName, href: "/regions/\(code)", state: row.status.rawValue,
                stateLabel: Self.stateLabel(row.status, language), symbol: Self.stateSymbol(row.status), decree: row.decree?.number,
                until: Self.date(row.decree?.until, language), members: row.memberCount, held: row.sessions.held)
        }
        let order: [TaskForceState: Int] = [.established: 0, .expiring: 1, .lapsed: 2, .notFormed: 3]
        let untilOf = Dictionary(national.provinces.compactMap { row in row.regionCode.map { ($0, row.decree?.until) } }, uniquingKeysWith: { a, _ in a })
        let stateOf = Dictionary(national.provinces.compactMap { row in row.regionCode.map { ($0, row.status) } }, uniquingKeysWith: { a, _ in a })
        rows.sort { a, b in
            let ascending: Bool = switch sort {
            case "name": a.name.localizedStandardCompare(b.name) == .orderedAscending
            case "status": (order[stateOf[a.code] ?? .notFormed] ?? 9, a.code) < (order[stateOf[b.code] ?? .notFormed] ?? 9, b.code)
            case "until":
                ((untilOf[a.code] ?? nil)?.daysSinceEpoch ?? Int.max, a.code) < ((untilOf[b.code] ?? nil)?.daysSinceEpoch ?? Int.max, b.code)
            case "members": (a.members, a.code) < (b.members, b.code)
            default: a.code < b.code
            }
            return descending ? !ascending : ascending
        }
        let at = asOf.map { "&at=\($0)" } ?? ""
        let columns = [("code", "code"), ("name", "province"), ("status", "status"), ("until", "until"), ("members", "members")].map { key, label in
            let active = key == sort
            let direction = active && !descending ? "desc" : "asc"
            return Column(
                label: PortalText.word(label, language), href: "/?sort=\(key)&dir=\(direction)\(at)#status-table",
                sorted: active ? (descending ? "descending" : "ascending") : nil)
        }

        let model = MapPage(
            frame: frame(visitor, request: request, title: PortalText.word("mapTitle", language)),
            asOfValue: asOf?.description ?? (dateError == nil ? "" : asOfText), asOfText: LocalTime.longDate(shownDate, language: language),
            dateError: dateError,
            map: TileGrid(width: TileMap.columns * cell, height: TileMap.rows * cell, tiles: tiles),
            legend: legend, provinces: national.coverage.provinces, inForce: inForce, shareText: share,
            coverage: Self.chart(coverage, provinces: national.coverage.provinces, language: language),
            columns: columns, rows: rows, csvHref: "/status.csv" + (asOf.map { "?at=\($0)" } ?? ""),
            sessions: upcoming.map { Self.line($0, region: regionsByTaskForce[$0.taskForceId], language: language) })
        return page("map", model, visitor: visitor)
    }

    /// A date typed in a form: the date, or what is wrong with the text (an empty text is no date).
    static func date(from text: String, _ language: Language) -> (CivilDate?, String?) {
        guard !text.isEmpty else { return (nil, nil) }
        do {
            return (try CivilDate.parse(text, field: "at"), nil)
        } catch {
            return (nil, error.message.text(language))
        }
    }

    /// Bars of provinces in force per month, drawn on a fixed 0–38 scale.
    static func chart(_ points: [CoveragePoint], provinces: Int, language: Language) -> CoverageChart {
        let width = 640, height = 180, top = 10, baseline = 150, left = 34
        let scale = max(provinces, 1)
        let slot = points.isEmpty ? 0 : (width - left) / points.count
        let months = language == .id
            ? ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
            : ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let bars = points.enumerated().map { index, point in
            let barHeight = (baseline - top) * point.inForce / scale
            let x = left + index * slot
            let month = "\(months[point.monthEnd.month - 1]) \(point.monthEnd.year)"
            return Bar(
                x: x + 1, y: baseline - barHeight, width: max(slot - 2, 1), height: barHeight,
                title: "\(month): \(point.inForce)", label: point.monthEnd.month == 1 || index == 0 ? String(point.monthEnd.year) : nil,
                labelX: x)
        }
        let gridLines = stride(from: 0, through: scale, by: 10).map { value in
            GridLine(y: baseline - (baseline - top) * value / scale, label: String(value))
        }
        let last = points.last
        let summary = last.map { point in
            language == .id
                ? "Pada \(LocalTime.longDate(point.monthEnd, language: .id)): \(point.inForce) provinsi dengan SK yang berlaku."
                : "On \(LocalTime.longDate(point.monthEnd, language: .en)): \(point.inForce) provinces with a decree in force."
        } ?? ""
        return CoverageChart(width: width, height: height, top: top, baseline: baseline, bars: bars, gridLines: gridLines, summary: summary)
    }

    /// The status table as CSV for Excel: UTF-8 with a BOM, `;` between fields, CRLF.
    func statusCSV(_ request: Request, _ visitor: Visitor) async throws -> Response {
        let reader = try mapReader(for: visitor)
        let language = visitor.language
        let asOf = try request.uri.queryParameters.get("at").map { text throws(GugusError) in try CivilDate.parse(String(text), field: "at") }
        let national = try await reader.nationalStatus(at: asOf)
        func field(_ text: String) -> String {
            text.contains(";") || text.contains("\"") || text.contains("\n") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        let header = language == .id
            ? ["kode", "provinsi", "zona", "status", "nomor_sk", "berlaku_sampai", "anggota", "kegiatan_terlaksana", "kegiatan_mendatang"]
            : ["code", "province", "zone", "status", "decree_number", "in_force_until", "members", "sessions_held", "sessions_upcoming"]
        var lines = [header.joined(separator: ";")]
        for row in national.provinces {
            lines.append([
                row.regionCode ?? "", row.regionName, row.zoneLabel, Self.stateLabel(row.status, language), row.decree?.number ?? "",
                row.decree?.until?.description ?? "", String(row.memberCount), String(row.sessions.held), String(row.sessions.upcoming),
            ].map(field).joined(separator: ";"))
        }
        let date = (asOf ?? CivilDate(Date(), in: RegionZone.jakarta.timeZone)).description
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"status-gtd-\(date).csv\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
