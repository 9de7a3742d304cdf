import Foundation
import GugusDatabase
import GugusModel
import Hummingbird

extension APIRoutes {
    func registerSessions(on group: RouterGroup<GugusRequestContext>) {
        group.get("sessions") { request, context in
            try HTTPCoding.json(try await gugus(context).sessions(try sessionQuery(request, taskForce: try Query(request: request).taskForce())))
        }
        group.get("taskforces/:id/sessions") { request, context in
            try HTTPCoding.json(try await gugus(context).sessions(try sessionQuery(request, taskForce: try context.taskForce())))
        }
        group.post("taskforces/:id/sessions") { request, context in
            let input = try await HTTPCoding.decode(
                NewSession.self, from: request, context: context, adding: ["task_force": try context.taskForce().description])
            return try HTTPCoding.json(try await gugus(context).scheduleSession(input), status: .created)
        }
        group.get("sessions/:id") { _, context in
            try HTTPCoding.json(try await gugus(context).session(id: try context.id()))
        }
        group.post("sessions/:id/reschedule") { request, context in
            let change = try await HTTPCoding.decode(SessionChange.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).rescheduleSession(id: try context.id(), change))
        }
        group.post("sessions/:id/cancel") { request, context in
            struct Body: Decodable { var reason: String? }
            let body = try await HTTPCoding.decode(Body.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).cancelSession(id: try context.id(), reason: body.reason))
        }
        group.post("sessions/:id/complete") { request, context in
            struct Body: Decodable { var notes: String?; var outcome: String? }
            let body = try await HTTPCoding.decode(Body.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).completeSession(id: try context.id(), notes: body.notes, outcome: body.outcome))
        }
        group.get("sessions/:id/participants") { request, context in
            try HTTPCoding.json(HTTPCoding.page(try await gugus(context).session(id: try context.id()).participants, try Query(request: request).page()))
        }
        group.post("sessions/:id/participants") { request, context in
            struct Body: Decodable { var role: Participant.Role? }
            // The body is read twice below, and a live request streams it only once.
            var request = request
            _ = try await request.collectBody(upTo: HTTPCoding.maxJSONBody)
            let invitation = try await HTTPCoding.decode(Invitation.self, from: request, context: context)
            let role = try await HTTPCoding.decode(Body.self, from: request, context: context).role ?? .attendee
            return try HTTPCoding.json(try await gugus(context).invite(sessionID: try context.id(), invitation, role: role), status: .created)
        }
        group.post("sessions/:id/participants/:participant/attend") { _, context in
            try HTTPCoding.json(try await gugus(context).attend(sessionID: try context.id(), participantID: try context.id("participant")))
        }
        group.post("sessions/:id/participants/:participant/cancel") { _, context in
            try HTTPCoding.json(try await gugus(context).uninvite(sessionID: try context.id(), participantID: try context.id("participant")))
        }
        group.get("sessions/:id/calendar.ics") { _, context in
            let id = try context.id()
            return HTTPCoding.text(try await gugus(context).calendar(sessionID: id), contentType: "text/calendar; charset=utf-8", filename: "session-\(id).ics")
        }
        group.get("taskforces/:id/calendar.ics") { _, context in
            let reference = try context.taskForce()
            return HTTPCoding.text(try await gugus(context).calendar(taskForce: reference), contentType: "text/calendar; charset=utf-8", filename: "gugus-\(reference).ics")
        }
    }

    private func sessionQuery(_ request: Request, taskForce: TaskForceRef?) throws -> SessionQuery {
        let query = Query(request: request)
        return SessionQuery(
            taskForce: taskForce, from: try query.date("from"), to: try query.date("to"),
            status: try query.choice("status", as: OutreachSession.Status.self), page: try query.page())
    }
}
