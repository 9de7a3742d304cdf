import Foundation
import GugusDatabase
import GugusModel
import Hummingbird

/// The `/v1` API: every operation of ``Gugus``, for the caller the token names, each at its
/// ``APIRoute``.
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
        registerReports(on: group)
    }

    // MARK: Regions, status, task forces, decrees, members

    func registerRegistry(on group: RouterGroup<GugusRequestContext>) {
        group.on(.listRegions, under: "/v1") { request, context in
            let query = Query(request: request)
            return try HTTPCoding.page(try await gugus(context).regions(level: try query.choice("level", as: Region.Level.self)), try query.page())
        }
        group.on(.nationalStatus, under: "/v1") { request, context in
            JSONAnswer(try await gugus(context).nationalStatus(at: try Query(request: request).date("at")))
        }
        group.on(.regionStatus, under: "/v1") { request, context in
            let code = context.parameters.get("code") ?? ""
            return JSONAnswer(try await gugus(context).regionStatus(code: code, at: try Query(request: request).date("at")))
        }
        group.on(.listTaskForces, under: "/v1") { request, context in
            try HTTPCoding.page(try await gugus(context).taskForces(), try Query(request: request).page())
        }
        group.on(.createTaskForce, under: "/v1") { request, context in
            let input = try await request.decode(as: NewTaskForce.self, context: context)
            return JSONAnswer(try await gugus(context).createTaskForce(input), status: .created)
        }
        group.on(.getTaskForce, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).taskForce(try context.taskForce()))
        }
        group.on(.listDecrees, under: "/v1") { request, context in
            let query = Query(request: request)
            return JSONAnswer(try await gugus(context).decrees(taskForce: try query.taskForce(), page: try query.page()))
        }
        group.on(.listTaskForceDecrees, under: "/v1") { request, context in
            JSONAnswer(try await gugus(context).decrees(taskForce: try context.taskForce(), page: try Query(request: request).page()))
        }
        group.on(.addDecree, under: "/v1") { request, context in
            var input = try await request.decode(as: NewDecree.self, context: context)
            input.taskForce = try context.taskForce()
            return JSONAnswer(try await gugus(context).addDecree(input), status: .created)
        }
        group.on(.listMembers, under: "/v1") { request, context in
            let query = Query(request: request)
            return JSONAnswer(try await gugus(context).members(taskForce: try context.taskForce(), at: try query.date("at"), page: try query.page()))
        }
        group.on(.addMember, under: "/v1") { request, context in
            var input = try await request.decode(as: NewMember.self, context: context)
            input.taskForce = try context.taskForce()
            return JSONAnswer(try await gugus(context).addMember(input), status: .created)
        }
        group.on(.importMembers, under: "/v1") { request, context in
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
            return JSONAnswer(report, status: report.rolledBack && !report.dryRun ? .unprocessableContent : .ok)
        }
        group.on(.endMember, under: "/v1") { request, context in
            let body = try await request.decode(as: EndMembership.self, context: context)
            return JSONAnswer(try await gugus(context).endMember(id: try context.id(), on: body.on, reason: body.reason))
        }
        group.on(.listAudit, under: "/v1") { request, context in
            let query = Query(request: request)
            return JSONAnswer(try await gugus(context).audit(AuditQuery(
                entity: query.string("entity"), entityId: query.string("entity_id"), taskForce: try query.taskForce(),
                since: try query.string("since").map(AuditQuery.since), until: try query.string("until").map(AuditQuery.until),
                actor: query.string("actor"), page: try query.page())))
        }
    }
}
