import Foundation
import Postgres

/// The large, generated dataset the status and http sections read: every region of
/// Indonesia with a task force, and a roster, sessions, participants, reminders and audit
/// entries for each, written with `generate_series` in a few statements.
///
/// **Shape.** The 514 regencies and cities are inserted as regions (codes `PP.01` … for
/// regencies and `PP.71` … for cities, as Kemendagri numbers them, as many per province as
/// its `regencies` and `cities` columns say). Each of the 552 regions (38 provinces and the
/// 514) gets a task force. A *generation* is one term of every task force: a decree, a roster
/// of `membersPerTaskForce` people, `sessionsPerTaskForce` sessions each with
/// `participantsPerSession` members invited, one reminder per participant, and the audit
/// entries of all that.
///
/// **Scale.** Generation 0 is the current term: decrees in force now (one in twelve ending
/// within 60 days, so some are `expiring`), members without an end, sessions spread from the
/// term's start to four months ahead (held, cancelled and upcoming ones) and their reminders
/// sent, skipped or pending. The data grows the way a real deployment's does, by history:
/// generation g ≥ 1 is the term of the year 2023 − g, with its decree, its members (ended),
/// its sessions (held) and its reminders (sent). 1× is generation 0 alone; 10× adds
/// generations 1 to 9, so every table holds ten times the rows while what status reports
/// stays the same, which is the point: status must cost what the regions asked about hold
/// now, not what the database has accumulated.
///
/// Audit entries are written directly, one per decree, membership, session and participant,
/// with the row's main fields as `after`, as the triggers would have written (the triggers
/// are off while seeding, for speed, and the people's own entries are left out).
struct StatusDataset: Sendable {
    /// Memberships of one generation, over all task forces (the 100k).
    var memberships: Int
    /// Regional task forces: 38 provinces and 514 regencies and cities.
    static let taskForces = 552

    var membersPerTaskForce: Int { max(6, memberships / Self.taskForces) }
    /// A session for every ten members, and ten members invited to each.
    var sessionsPerTaskForce: Int { max(1, membersPerTaskForce / 10) }
    var participantsPerSession: Int { min(10, membersPerTaskForce) }

    /// Rows one generation adds, by table, for the report.
    var rowsPerGeneration: [(table: String, rows: Int)] {
        let t = Self.taskForces
        return [
            ("decree", t),
            ("person", t * membersPerTaskForce),
            ("membership", t * membersPerTaskForce),
            ("outreach_session", t * sessionsPerTaskForce),
            ("participant", t * sessionsPerTaskForce * participantsPerSession),
            ("reminder", t * sessionsPerTaskForce * participantsPerSession),
            ("audit_log", t + t * membersPerTaskForce + t * sessionsPerTaskForce * (1 + participantsPerSession)),
        ]
    }

    /// The regions, task forces, institutions and the reminder rule: everything but the
    /// generations.
    func seedBase(on connection: PostgresConnection) async throws {
        try await connection.executeScript(unsafeSQL: """
            CREATE SCHEMA gugus_bench;

            -- The 514 regencies and cities are loaded by migration (016); each gets a task force.
            INSERT INTO task_force (level, region_code, name, period_id)
            SELECT 'regional', code, 'Gugus Tugas Daerah Bisnis dan HAM ' || name, (SELECT min(id) FROM programme_period)
            FROM region ORDER BY code;

            -- Which task force is number t (0-based), and what its decrees and people need.
            CREATE TABLE gugus_bench.tf AS
            SELECT (row_number() OVER (ORDER BY t.id) - 1)::integer AS t, t.id, t.region_code, r.name, r.time_zone,
                   (SELECT count(*) FROM region p WHERE p.level = 'province' AND p.code < coalesce(r.parent_code, r.code))::integer AS province_index,
                   CASE r.level WHEN 'province' THEN 'governor' WHEN 'regency' THEN 'regent' ELSE 'mayor' END AS decree_kind
            FROM task_force t JOIN region r ON r.code = t.region_code;

            -- Forty institutions per province, numbered so a member's can be computed.
            INSERT INTO institution (id, name, kind, region_code)
            OVERRIDING SYSTEM VALUE
            SELECT p.i * 40 + j + 1, (ARRAY[
                       'Dinas Tenaga Kerja dan Transmigrasi', 'Dinas Penanaman Modal dan PTSP', 'Dinas Lingkungan Hidup',
                       'Dinas Perindustrian dan Perdagangan', 'Biro Hukum Sekretariat Daerah', 'Bappeda', 'Dinas Sosial',
                       'Dinas Pemberdayaan Perempuan dan Perlindungan Anak', 'Dinas Kelautan dan Perikanan', 'Dinas Pertanian',
                       'Dinas Energi dan Sumber Daya Mineral', 'Dinas Kesehatan', 'Dinas Pendidikan', 'Inspektorat Daerah',
                       'Badan Kesatuan Bangsa dan Politik', 'Dinas Koperasi dan UKM', 'Dinas Perhubungan', 'Dinas Pariwisata',
                       'Dinas Komunikasi dan Informatika', 'Satpol PP', 'Kantor Wilayah Kementerian Hukum',
                       'Kantor Wilayah Kementerian HAM', 'Kepolisian Daerah', 'Kejaksaan Tinggi', 'Pengadilan Tinggi',
                       'Kamar Dagang dan Industri', 'Asosiasi Pengusaha Indonesia', 'Himpunan Pengusaha Muda Indonesia',
                       'PT Perkebunan Nusantara', 'PT Pertambangan Daerah', 'PT Bank Pembangunan Daerah', 'PT Perikanan Nusantara',
                       'Universitas Negeri', 'Institut Agama Islam Negeri', 'Politeknik Negeri', 'Lembaga Bantuan Hukum',
                       'Yayasan Lembaga Konsumen', 'Serikat Pekerja Seluruh Indonesia', 'Aliansi Masyarakat Adat', 'Komnas HAM Perwakilan'
                   ])[j + 1] || ' ' || p.name,
                   CASE WHEN j < 20 THEN 'provincial_agency' WHEN j < 25 THEN 'regional_office' WHEN j < 28 THEN 'business_association'
                        WHEN j < 32 THEN 'company' WHEN j < 35 THEN 'academia' ELSE 'civil_society' END,
                   p.code
            FROM (SELECT (row_number() OVER (ORDER BY code) - 1)::integer AS i, code, name FROM region WHERE level = 'province') p
            CROSS JOIN generate_series(0, 39) AS j;
            SELECT setval(pg_get_serial_sequence('institution', 'id'), (SELECT max(id) FROM institution));

            -- One rule for every session: participants, a day ahead, to the log.
            INSERT INTO reminder_rule (kind, offset_minutes, audience, channel, created_by, created_at)
            VALUES ('session', 1440, 'participants', 'log', 'gugus-bench', timestamptz '2015-01-01 00:00+00');
            """)
    }

    /// Adds the generations `generations` (0 is the current term), with the triggers off.
    func seed(generations: Range<Int>, on connection: PostgresConnection) async throws {
        let t = Self.taskForces
        let m = membersPerTaskForce
        let s = sessionsPerTaskForce
        let p = participantsPerSession
        let g0 = generations.lowerBound
        let g1 = generations.upperBound - 1
        try await connection.executeScript(unsafeSQL: """
            ALTER TABLE person DISABLE TRIGGER USER;
            ALTER TABLE decree DISABLE TRIGGER USER;
            ALTER TABLE membership DISABLE TRIGGER USER;
            ALTER TABLE outreach_session DISABLE TRIGGER USER;
            ALTER TABLE participant DISABLE TRIGGER USER;

            INSERT INTO decree (id, task_force_id, kind, issuing_region_code, number, title, place, signed_on,
                                effective_from, effective_until, signer_name, signer_title)
            OVERRIDING SYSTEM VALUE
            SELECT g * \(t) + tf.t + 1, tf.id, tf.decree_kind, tf.region_code,
                   '100.3.3.2/' || (g * \(t) + tf.t + 1) || '/' || extract(year FROM y.starts),
                   'Pembentukan Gugus Tugas Daerah Bisnis dan Hak Asasi Manusia ' || tf.name, tf.name,
                   y.starts - 14, y.starts, y.ends, 'Kepala Daerah ' || tf.name,
                   CASE tf.decree_kind WHEN 'governor' THEN 'Gubernur' WHEN 'regent' THEN 'Bupati' ELSE 'Wali Kota' END
            FROM gugus_bench.tf tf
            CROSS JOIN generate_series(\(g0), \(g1)) AS g
            CROSS JOIN LATERAL (
                SELECT CASE WHEN g = 0 THEN date '2024-01-01' + tf.t % 120 ELSE make_date(2023 - g, 1, 1) END AS starts,
                       CASE WHEN g > 0 THEN make_date(2023 - g, 12, 31)
                            WHEN tf.t % 12 = 0 THEN current_date + 20
                            ELSE date '2027-12-31' END AS ends) y;

            INSERT INTO person (id, name, email, phone)
            OVERRIDING SYSTEM VALUE
            SELECT x.id,
                   (ARRAY['Ahmad', 'Siti', 'Budi', 'Dewi', 'Agus', 'Sri', 'Hendra', 'Nur', 'Rizky', 'Fitri', 'Andi', 'Wahyuni',
                          'Yusuf', 'Ratna', 'Fadli', 'Maria', 'Yohanes', 'Theresia', 'Ismail', 'Kartini'])[1 + x.id % 20]
                   || ' ' ||
                   (ARRAY['Pratama', 'Saputra', 'Hidayat', 'Lestari', 'Nugroho', 'Wulandari', 'Siregar', 'Harahap', 'Tuasikal',
                          'Latuconsina', 'Wenda', 'Kogoya', 'Manuputty', 'Syamsuddin', 'Rumagesan', 'Marasabessy',
                          'Sangaji', 'Tidore', 'Abdullah', 'Makatita'])[1 + (x.id / 20) % 20],
                   'anggota' || x.id || '@contoh.go.id', '+62812' || lpad(x.id::text, 8, '0')
            FROM (SELECT (g * \(t) + tf.t)::bigint * \(m) + k + 1 AS id
                  FROM gugus_bench.tf tf CROSS JOIN generate_series(\(g0), \(g1)) AS g CROSS JOIN generate_series(0, \(m - 1)) AS k) x;
            SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT max(id) FROM person));

            INSERT INTO membership (id, task_force_id, person_id, institution_id, position, role, working_group, decree_id,
                                    valid_from, valid_until, end_reason)
            OVERRIDING SYSTEM VALUE
            SELECT x.id, tf.id, x.id, tf.province_index * 40 + x.k % 40 + 1,
                   CASE x.k WHEN 0 THEN 'Kepala Daerah' WHEN 1 THEN 'Kepala Kantor Wilayah' WHEN 2 THEN 'Wakil Kepala Daerah'
                            WHEN 3 THEN 'Kepala Bagian Hukum'
                            ELSE (ARRAY['Kepala Dinas', 'Sekretaris Dinas', 'Kepala Bidang', 'Analis Kebijakan', 'Direktur',
                                        'Ketua', 'Dosen', 'Koordinator Program'])[1 + x.k % 8] END,
                   CASE x.k WHEN 0 THEN 'ketua' WHEN 1 THEN 'sekretaris' WHEN 2 THEN 'wakil_ketua' WHEN 3 THEN 'wakil_sekretaris'
                            ELSE 'anggota' END,
                   CASE WHEN x.k < 4 THEN NULL ELSE 1 + x.k % 3 END,
                   d.id, d.effective_from,
                   CASE WHEN x.g = 0 THEN NULL ELSE d.effective_until END,
                   CASE WHEN x.g = 0 THEN NULL ELSE 'masa tugas berakhir' END
            FROM (SELECT (g * \(t) + tf.t)::bigint * \(m) + k + 1 AS id, g, tf.t, k
                  FROM gugus_bench.tf tf CROSS JOIN generate_series(\(g0), \(g1)) AS g CROSS JOIN generate_series(0, \(m - 1)) AS k) x
            JOIN gugus_bench.tf tf ON tf.t = x.t
            JOIN decree d ON d.id = x.g * \(t) + x.t + 1;

            INSERT INTO outreach_session (id, task_force_id, title, format, mode, venue, starts_at, ends_at, time_zone,
                                          audiences, status, cancel_reason, created_at, updated_at)
            OVERRIDING SYSTEM VALUE
            SELECT x.id, tf.id,
                   (ARRAY['Sosialisasi Strategi Nasional Bisnis dan HAM', 'Bimbingan Teknis PRISMA', 'Lokakarya Uji Tuntas HAM',
                          'Rapat Koordinasi Gugus Tugas', 'Diskusi Kelompok Terpumpun Pekerja Migran',
                          'Pendampingan Perusahaan Daerah'])[1 + x.k % 6] || ' ' || (x.k + 1),
                   (ARRAY['sosialisasi', 'bimtek', 'workshop', 'rakor', 'fgd', 'pendampingan'])[1 + x.k % 6],
                   'luring', 'Aula Kantor ' || tf.name, w.starts, w.starts + interval '3 hours', tf.time_zone, '{gtd_members}',
                   CASE WHEN w.starts > now() THEN 'scheduled' WHEN x.k % 10 = 9 THEN 'cancelled' ELSE 'completed' END,
                   CASE WHEN w.starts <= now() AND x.k % 10 = 9 THEN 'narasumber berhalangan' END,
                   w.starts - interval '30 days', w.starts - interval '30 days'
            FROM (SELECT (g * \(t) + tf.t)::bigint * \(s) + k + 1 AS id, g, tf.t, k
                  FROM gugus_bench.tf tf CROSS JOIN generate_series(\(g0), \(g1)) AS g CROSS JOIN generate_series(0, \(s - 1)) AS k) x
            JOIN gugus_bench.tf tf ON tf.t = x.t
            JOIN decree d ON d.id = x.g * \(t) + x.t + 1
            CROSS JOIN LATERAL (
                SELECT ((CASE WHEN x.g = 0 THEN d.effective_from + (current_date + 120 - d.effective_from) * x.k / \(s)
                              ELSE d.effective_from + 360 * x.k / \(s) END) + time '09:00') AT TIME ZONE tf.time_zone AS starts) w;

            INSERT INTO participant (session_id, membership_id, role, registration, attended, checked_in_at, created_at)
            SELECT o.id, (o.id - 1) / \(s) * \(m) + ((o.id - 1) % \(s) * \(p) + j) % \(m) + 1,
                   CASE WHEN j = 0 THEN 'organizer' ELSE 'attendee' END, 'registered',
                   o.status = 'completed' AND j % 10 < 7,
                   CASE WHEN o.status = 'completed' AND j % 10 < 7 THEN o.starts_at END,
                   o.starts_at - interval '14 days'
            FROM outreach_session o CROSS JOIN generate_series(0, \(p - 1)) AS j
            WHERE o.id BETWEEN \(g0 * t * s + 1) AND \((g1 + 1) * t * s)
            ORDER BY o.id, j;

            INSERT INTO reminder (rule_id, task_force_id, session_id, person_key, offset_minutes, recipient_key, recipient_name,
                                  recipient_email, recipient_language, channel, due_at, not_before, planned_version, status, attempts,
                                  skip_reason, sent_at, created_at, updated_at)
            SELECT (SELECT min(id) FROM reminder_rule), o.task_force_id, o.id, 'person:' || me.person_id, 1440,
                   'participant:' || pa.id, pe.name, pe.email, 'id', 'log',
                   o.starts_at - interval '1 day', o.starts_at - interval '1 day', 1,
                   CASE WHEN o.status = 'cancelled' THEN 'skipped' WHEN o.starts_at - interval '1 day' > now() THEN 'pending'
                        WHEN pa.id % 50 = 0 THEN 'dead' ELSE 'sent' END,
                   CASE WHEN o.status = 'cancelled' OR o.starts_at - interval '1 day' > now() THEN 0 ELSE 1 END,
                   CASE WHEN o.status = 'cancelled' THEN 'session cancelled' END,
                   CASE WHEN o.status <> 'cancelled' AND o.starts_at - interval '1 day' <= now() AND pa.id % 50 <> 0
                        THEN o.starts_at - interval '1 day' + interval '2 seconds' END,
                   pa.created_at, pa.created_at
            FROM outreach_session o
            JOIN participant pa ON pa.session_id = o.id
            JOIN membership me ON me.id = pa.membership_id
            JOIN person pe ON pe.id = me.person_id
            WHERE o.id BETWEEN \(g0 * t * s + 1) AND \((g1 + 1) * t * s);

            INSERT INTO audit_log (at, actor, action, operation, entity, entity_id, task_force_id, after)
            SELECT d.signed_on + time '10:00', 'cli:sekretariat', 'decree.add', 'insert', 'decree', d.id::text, d.task_force_id,
                   jsonb_build_object('id', d.id, 'number', d.number, 'effective_from', d.effective_from, 'effective_until', d.effective_until)
            FROM decree d WHERE d.id BETWEEN \(g0 * t + 1) AND \((g1 + 1) * t)
            UNION ALL
            SELECT m.valid_from + time '11:00' + (m.id % 600) * interval '1 second', 'cli:sekretariat', 'member.import', 'insert',
                   'membership', m.id::text, m.task_force_id,
                   jsonb_build_object('id', m.id, 'person_id', m.person_id, 'role', m.role, 'position', m.position, 'valid_from', m.valid_from)
            FROM membership m WHERE m.id BETWEEN \(g0 * t * m + 1) AND \((g1 + 1) * t * m)
            UNION ALL
            SELECT o.created_at, 'Kanwil ' || o.task_force_id, 'session.schedule', 'insert', 'outreach_session', o.id::text, o.task_force_id,
                   jsonb_build_object('id', o.id, 'title', o.title, 'starts_at', o.starts_at, 'status', o.status)
            FROM outreach_session o WHERE o.id BETWEEN \(g0 * t * s + 1) AND \((g1 + 1) * t * s)
            UNION ALL
            SELECT pa.created_at, 'Kanwil ' || o.task_force_id, 'session.invite', 'insert', 'participant', pa.id::text, o.task_force_id,
                   jsonb_build_object('id', pa.id, 'session_id', pa.session_id, 'membership_id', pa.membership_id)
            FROM participant pa JOIN outreach_session o ON o.id = pa.session_id
            WHERE o.id BETWEEN \(g0 * t * s + 1) AND \((g1 + 1) * t * s);

            SELECT setval(pg_get_serial_sequence('decree', 'id'), (SELECT max(id) FROM decree));
            SELECT setval(pg_get_serial_sequence('membership', 'id'), (SELECT max(id) FROM membership));
            SELECT setval(pg_get_serial_sequence('outreach_session', 'id'), (SELECT max(id) FROM outreach_session));

            ALTER TABLE person ENABLE TRIGGER USER;
            ALTER TABLE decree ENABLE TRIGGER USER;
            ALTER TABLE membership ENABLE TRIGGER USER;
            ALTER TABLE outreach_session ENABLE TRIGGER USER;
            ALTER TABLE participant ENABLE TRIGGER USER;
            """)
        // Fresh statistics and visibility maps, as autovacuum would leave a settled database.
        try await connection.execute("VACUUM (ANALYZE)")
    }

    /// Rows per table now, for the report.
    static func counts(on connection: PostgresConnection) async throws -> [(String, Int)] {
        let tables = ["region", "task_force", "decree", "person", "membership", "outreach_session", "participant", "reminder", "audit_log"]
        var counts: [(String, Int)] = []
        for table in tables {
            let count = try await connection.query("SELECT count(*) FROM \(unsafeSQL: table)").single()?.decode(Int.self) ?? 0
            counts.append((table, count))
        }
        return counts
    }
}
