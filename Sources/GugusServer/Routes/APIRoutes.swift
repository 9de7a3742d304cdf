import Foundation
import GugusDatabase
import GugusModel
import Hummingbird

/// The `/v1` API: every operation of ``Gugus``, for the caller the token names.
struct APIRoutes {
    let gugus: DatabaseGugus

    /// Gugus acting for this request's caller.
    func gugus(_ context: GugusRequestContext) throws -> DatabaseGugus {
        gugus.acting(as: try context.requireCaller())
    }

    func register(on group: RouterGroup<GugusRequestContext>) {
        registerRegistry(on: group)
        registerSessions(on: group)
        registerReminders(on: group)
        registerAdministration(on: group)
    }

    // MARK: Regions, status, task forces, decrees, members

    func registerRegistry(on group: RouterGroup<GugusRequestContext>) {
        group.get("regions") { request, context in
            let level = try Query(request: request).choice("level", as: Region.Level.self)
            return try HTTPCoding.json(HTTPCoding.page(try await gugus(context).regions(level: level), try Query(request: request).page()))
        }
        group.get("status") { request, context in
            try HTTPCoding.json(try await gugus(context).nationalStatus(at: try Query(request: request).date("at")))
        }
        group.get("regions/:code/status") { request, context in
            let code = context.parameters.get("code") ?? ""
            return try HTTPCoding.json(try await gugus(context).regionStatus(code: code, at: try Query(request: request).date("at")))
        }
        group.get("taskforces") { request, context in
            try HTTPCoding.json(HTTPCoding.page(try await gugus(context).taskForces(), try Query(request: request).page()))
        }
        group.post("taskforces") { request, context in
            let input = try await HTTPCoding.decode(NewTaskForce.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).createTaskForce(input), status: .created)
        }
        group.get("taskforces/:id") { _, context in
            try HTTPCoding.json(try await gugus(context).taskForce(try context.taskForce()))
        }
        group.get("decrees") { request, context in
            let query = Query(request: request)
            return try HTTPCoding.json(try await gugus(context).decrees(taskForce: try query.taskForce(), page: try query.page()))
        }
        group.get("taskforces/:id/decrees") { request, context in
            try HTTPCoding.json(try await gugus(context).decrees(taskForce: try context.taskForce(), page: try Query(request: request).page()))
        }
        group.post("taskforces/:id/decrees") { request, context in
            let input = try await HTTPCoding.decode(
                NewDecree.self, from: request, context: context, adding: ["task_force": try context.taskForce().description])
            return try HTTPCoding.json(try await gugus(context).addDecree(input), status: .created)
        }
        group.get("taskforces/:id/members") { request, context in
            let query = Query(request: request)
            return try HTTPCoding.json(try await gugus(context).members(taskForce: try context.taskForce(), at: try query.date("at"), page: try query.page()))
        }
        group.post("taskforces/:id/members") { request, context in
            let input = try await HTTPCoding.decode(
                NewMember.self, from: request, context: context, adding: ["task_force": try context.taskForce().description])
            return try HTTPCoding.json(try await gugus(context).addMember(input), status: .created)
        }
        group.post("taskforces/:id/members/import") { request, context in
            let query = Query(request: request)
            let contentType = request.headers[.contentType] ?? ""
            guard contentType.lowercased().hasPrefix("text/csv") else {
                throw GugusError.invalid(field: "Content-Type", value: contentType, Localized(
                    id: "kirim berkas CSV dengan Content-Type: text/csv", en: "send the CSV file with Content-Type: text/csv"))
            }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let options = ImportOptions(dryRun: try query.bool("dry_run"), skipInvalid: try query.bool("skip_invalid"), decreeId: try query.int64("decree_id"))
            let report = try await gugus(context).importMembers(taskForce: try context.taskForce(), csv: Data(body.readableBytesView), options: options)
            // A refused import is a client's problem with the file: 422, with the report.
            return try HTTPCoding.json(report, status: report.rolledBack && !report.dryRun ? .unprocessableContent : .ok)
        }
        group.post("members/:id/end") { request, context in
            struct Body: Decodable { var on: CivilDate; var reason: String? }
            let body = try await HTTPCoding.decode(Body.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).endMember(id: try context.id(), on: body.on, reason: body.reason))
        }
        group.get("audit") { request, context in
            let query = Query(request: request)
            let since = try query.string("since").map { text throws(GugusError) in
                try LocalTime.parse(text.count == 10 ? text + " 00:00" : text, in: .utc, field: "since")
            }
            return try HTTPCoding.json(try await gugus(context).audit(AuditQuery(
                entity: query.string("entity"), entityId: query.string("entity_id"), taskForce: try query.taskForce(),
                since: since, page: try query.page())))
        }
    }
}
