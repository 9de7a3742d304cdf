import Foundation
import GugusDatabase
import GugusModel
import Hummingbird

extension APIRoutes {
    func registerSessions(on group: RouterGroup<GugusRequestContext>) {
        group.on(.listSessions, under: "/v1") { request, context in
            JSONAnswer(try await gugus(context).sessions(try sessionQuery(request, taskForce: try Query(request: request).taskForce())))
        }
        group.on(.listTaskForceSessions, under: "/v1") { request, context in
            JSONAnswer(try await gugus(context).sessions(try sessionQuery(request, taskForce: try context.taskForce())))
        }
        group.on(.scheduleSession, under: "/v1") { request, context in
            var input = try await request.decode(as: NewSession.self, context: context)
            input.taskForce = try context.taskForce()
            return JSONAnswer(try await gugus(context).scheduleSession(input), status: .created)
        }
        group.on(.getSession, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).session(id: try context.id()))
        }
        group.on(.rescheduleSession, under: "/v1") { request, context in
            let change = try await request.decode(as: SessionChange.self, context: context)
            return JSONAnswer(try await gugus(context).rescheduleSession(id: try context.id(), change))
        }
        group.on(.cancelSession, under: "/v1") { request, context in
            let body = try await request.decode(as: SessionCancellation.self, context: context)
            return JSONAnswer(try await gugus(context).cancelSession(id: try context.id(), reason: body.reason))
        }
        group.on(.completeSession, under: "/v1") { request, context in
            let body = try await request.decode(as: SessionCompletion.self, context: context)
            return JSONAnswer(try await gugus(context).completeSession(id: try context.id(), notes: body.notes, outcome: body.outcome))
        }
        group.on(.listParticipants, under: "/v1") { request, context in
            try HTTPCoding.page(try await gugus(context).session(id: try context.id()).participants, try Query(request: request).page())
        }
        group.on(.inviteParticipants, under: "/v1") { request, context in
            let body = try await request.decode(as: InvitationRequest.self, context: context)
            return JSONAnswer(
                try await gugus(context).invite(sessionID: try context.id(), body.invitation, role: body.role ?? .attendee), status: .created)
        }
        group.on(.recordAttendance, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).attend(sessionID: try context.id(), participantID: try context.id("participant")))
        }
        group.on(.cancelParticipant, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).uninvite(sessionID: try context.id(), participantID: try context.id("participant")))
        }
        group.on(.sessionCalendar, under: "/v1") { _, context in
            let id = try context.id()
            return HTTPCoding.text(try await gugus(context).calendar(sessionID: id), contentType: "text/calendar; charset=utf-8", filename: "session-\(id).ics")
        }
        group.on(.taskForceCalendar, under: "/v1") { _, context in
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
