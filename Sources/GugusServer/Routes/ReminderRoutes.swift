import Foundation
import GugusDatabase
import GugusModel
import Hummingbird

extension APIRoutes {
    func registerReminders(on group: RouterGroup<GugusRequestContext>) {
        group.on(.listReminderRules, under: "/v1") { request, context in
            try HTTPCoding.page(try await gugus(context).reminderRules(), try Query(request: request).page())
        }
        group.on(.addReminderRule, under: "/v1") { request, context in
            let input = try await request.decode(as: NewReminderRule.self, context: context)
            return JSONAnswer(try await gugus(context).addReminderRule(input), status: .created)
        }
        group.on(.removeReminderRule, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).removeReminderRule(id: try context.id()))
        }
        group.on(.listReminders, under: "/v1") { request, context in
            let query = Query(request: request)
            return JSONAnswer(try await gugus(context).reminders(ReminderQuery(
                status: try query.choice("status", as: Reminder.Status.self), sessionId: try query.int64("session"),
                taskForce: try query.taskForce(), page: try query.page())))
        }
    }

    func registerAdministration(on group: RouterGroup<GugusRequestContext>) {
        group.on(.listTokens, under: "/v1") { request, context in
            try HTTPCoding.page(try await gugus(context).tokens(), try Query(request: request).page())
        }
        group.on(.issueToken, under: "/v1") { request, context in
            let input = try await request.decode(as: NewToken.self, context: context)
            return JSONAnswer(try await gugus(context).issueToken(input), status: .created)
        }
        group.on(.revokeToken, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).revokeToken(id: try context.id()))
        }
        group.on(.listUsers, under: "/v1") { request, context in
            try HTTPCoding.page(try await gugus(context).accounts(), try Query(request: request).page())
        }
        group.on(.addUser, under: "/v1") { request, context in
            let input = try await request.decode(as: NewAccount.self, context: context)
            return JSONAnswer(try await gugus(context).addAccount(input), status: .created)
        }
        group.on(.disableUser, under: "/v1") { _, context in
            JSONAnswer(try await gugus(context).disableAccount(id: try context.id()))
        }
        registerPersonalData(on: group)
    }

    /// UU PDP: a person's data, found by address, membership or participation. In the body,
    /// not the query, so that no address is written to an access log.
    func registerPersonalData(on group: RouterGroup<GugusRequestContext>) {
        group.on(.exportPerson, under: "/v1") { request, context in
            let person = try await request.decode(as: PersonRef.self, context: context)
            return JSONAnswer(try await gugus(context).exportPerson(person))
        }
        group.on(.correctPerson, under: "/v1") { request, context in
            let correction = try await request.decode(as: PersonCorrection.self, context: context)
            return JSONAnswer(try await gugus(context).correctPerson(correction))
        }
        group.on(.erasePerson, under: "/v1") { request, context in
            let erasure = try await request.decode(as: PersonErasure.self, context: context)
            return JSONAnswer(try await gugus(context).erasePerson(erasure))
        }
        group.on(.applyRetention, under: "/v1") { request, context in
            let run = try await request.decode(as: RetentionRun.self, context: context)
            return JSONAnswer(try await gugus(context).applyRetention(dryRun: run.dryRun))
        }
    }
}
