import Foundation
import GugusDatabase
import GugusModel
import Hummingbird

extension APIRoutes {
    func registerReminders(on group: RouterGroup<GugusRequestContext>) {
        group.get("reminder-rules") { request, context in
            try HTTPCoding.json(HTTPCoding.page(try await gugus(context).reminderRules(), try Query(request: request).page()))
        }
        group.post("reminder-rules") { request, context in
            let input = try await HTTPCoding.decode(NewReminderRule.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).addReminderRule(input), status: .created)
        }
        group.delete("reminder-rules/:id") { _, context in
            try HTTPCoding.json(try await gugus(context).removeReminderRule(id: try context.id()))
        }
        group.get("reminders") { request, context in
            let query = Query(request: request)
            return try HTTPCoding.json(try await gugus(context).reminders(ReminderQuery(
                status: try query.choice("status", as: Reminder.Status.self), sessionId: try query.int64("session"),
                taskForce: try query.taskForce(), page: try query.page())))
        }
    }

    func registerAdministration(on group: RouterGroup<GugusRequestContext>) {
        group.get("tokens") { request, context in
            try HTTPCoding.json(HTTPCoding.page(try await gugus(context).tokens(), try Query(request: request).page()))
        }
        group.post("tokens") { request, context in
            let input = try await HTTPCoding.decode(NewToken.self, from: request, context: context)
            return try HTTPCoding.json(try await gugus(context).issueToken(input), status: .created)
        }
        group.post("tokens/:id/revoke") { _, context in
            try HTTPCoding.json(try await gugus(context).revokeToken(id: try context.id()))
        }
    }
}
