import GugusModel
import Logging
import Postgres

/// Turns the database's refusals into messages a coordinator can act on.
///
/// Operations check the common mistakes first and give messages with full context (naming
/// the decree in force, say); this is the net under them, for the same rules enforced by the
/// schema when two requests race, and for everything else.
enum ConstraintMessages {
    static func translate(_ error: PostgresError, logger: Logger) -> GugusError {
        if error.isConnectionFailure {
            logger.warning("database unavailable: \(error)")
            // The cause (a host, a socket path) goes to the log, not to the client.
            return GugusError(.unavailable, Localized(
                id: "basis data tidak dapat dihubungi saat ini; coba lagi sebentar lagi",
                en: "the database cannot be reached right now; try again shortly"))
        }
        if error.code == .queryCanceled {
            // A statement cut off by the server's statement_timeout: the request was too big
            // or the database too busy, not a bug; worth another try, or a smaller request.
            logger.warning("statement cancelled: \(error)")
            return GugusError(.unavailable, Localized(
                id: "basis data terlalu lama memproses permintaan ini dan menghentikannya; coba lagi, atau kirim dalam bagian yang lebih kecil",
                en: "the database took too long over this request and stopped it; try again, or send it in smaller parts"))
        }
        if DatabaseGugus.isTransient(error) {
            logger.warning("transaction gave up after \(DatabaseGugus.transactionAttempts) attempts: \(error)")
            return GugusError(.unavailable, Localized(
                id: "perubahan lain yang berjalan bersamaan menghalangi permintaan ini; coba lagi",
                en: "other changes running at the same time kept this request from completing; try again"))
        }
        if let constraint = error.constraint, let message = messages[constraint] {
            let kind: GugusError.Kind = error.isUniqueViolation() || error.isExclusionViolation() ? .conflict : .invalid
            return GugusError(kind, message)
        }
        if error.code?.rawValue.hasPrefix("GG") == true {
            // Our own triggers' refusals (capacity, cancelled sessions): their text is written for users.
            return GugusError(error.code == SQLState("GG101") ? .conflict : .invalid, Localized(verbatim: error.message))
        }
        if error.code == .invalidTextRepresentation || error.code == .invalidDatetimeFormat || error.code == .datetimeFieldOverflow {
            return GugusError(.invalid, Localized(
                id: "nilai tidak valid: \(error.message)", en: "invalid value: \(error.message)"))
        }
        logger.error("unexpected database error: \(error)")
        return GugusError(.internal, Localized(
            id: "kesalahan internal basis data (\(error.code?.rawValue ?? "tanpa kode")); sudah dicatat di log server",
            en: "internal database error (\(error.code?.rawValue ?? "no code")); it has been logged on the server"))
    }

    static let messages: [String: Localized] = [
        "decree_one_in_force": Localized(
            id: "sudah ada surat keputusan pembentukan yang berlaku pada tanggal yang tumpang tindih; cabut dulu yang lama dengan --revokes ID",
            en: "an establishing decree is already in force on overlapping dates; revoke the old one with --revokes ID"),
        "decree_number_key": Localized(
            id: "nomor surat keputusan ini sudah terdaftar untuk wilayah, tahun dan jenis yang sama",
            en: "this decree number is already registered for the same region, year and kind"),
        "decree_term_order": Localized(
            id: "tanggal berakhir harus sama dengan atau sesudah tanggal mulai berlaku",
            en: "the end of term must be on or after the effective date"),
        "membership_one_ketua": Localized(
            id: "gugus tugas ini sudah punya ketua pada tanggal tersebut; akhiri keanggotaan ketua lama dulu dengan `gugus member end`",
            en: "this task force already has a ketua on those dates; end the old ketua's membership first with `gugus member end`"),
        "membership_one_sekretaris": Localized(
            id: "gugus tugas ini sudah punya sekretaris pada tanggal tersebut; akhiri keanggotaan sekretaris lama dulu dengan `gugus member end`",
            en: "this task force already has a sekretaris on those dates; end the old sekretaris's membership first with `gugus member end`"),
        "membership_person_once": Localized(
            id: "orang ini sudah menjadi anggota gugus tugas ini pada tanggal tersebut",
            en: "this person is already a member of this task force on those dates"),
        "membership_decree_same_task_force": Localized(
            id: "surat keputusan pengangkatan harus milik gugus tugas yang sama",
            en: "the appointing decree must belong to the same task force"),
        "membership_term_order": Localized(
            id: "tanggal selesai keanggotaan harus sama dengan atau sesudah tanggal mulai",
            en: "a membership must end on or after the day it starts"),
        "person_email_key": Localized(
            id: "alamat e-mail ini sudah dipakai orang lain", en: "this e-mail address already belongs to someone else"),
        "task_force_region_key": Localized(
            id: "wilayah ini sudah punya gugus tugas", en: "this region already has a task force"),
        "task_force_one_national": Localized(
            id: "gugus tugas nasional sudah ada", en: "the national task force already exists"),
    ]
}
