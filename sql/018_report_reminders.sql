-- Reminders for Aksi BHAM reporting, through the scheduler's channels and guarantees:
--   report_opens     when a period opens;
--   report_closing   N days before it closes (days_before; the usual pair is 14 and 3);
--   report_overdue   the morning after it closed, to a task force whose report is not in;
--   report_returned  when a reviewer returns a report for corrections.
-- The audience ('reporters') is the task force's sekretaris and the active coordinator
-- accounts of its region, each person once. Times are 09:00 in the region's zone. Whether a
-- reminder still applies is checked again when it is claimed (report_reminder_holds): no
-- overdue reminder for a report that was submitted, none of any kind once it is verified.

ALTER TABLE reminder_rule DROP CONSTRAINT reminder_rule_kind_valid,
    ADD CONSTRAINT reminder_rule_kind_valid CHECK (kind IN (
        'session', 'decree_expiry', 'no_task_force', 'report_opens', 'report_closing', 'report_overdue', 'report_returned'));
ALTER TABLE reminder_rule DROP CONSTRAINT reminder_rule_audience_valid,
    ADD CONSTRAINT reminder_rule_audience_valid CHECK (audience IN (
        'participants', 'members', 'organizers', 'core_roles', 'secretariat', 'reporters'));
ALTER TABLE reminder_rule ADD CONSTRAINT reminder_rule_report_shape CHECK (kind NOT LIKE 'report_%'
    OR (audience = 'reporters' AND session_id IS NULL AND ((kind = 'report_closing') = (days_before IS NOT NULL))));

ALTER TABLE opt_out DROP CONSTRAINT opt_out_kind_valid,
    ADD CONSTRAINT opt_out_kind_valid CHECK (kind IN (
        'session', 'decree_expiry', 'no_task_force', 'report_opens', 'report_closing', 'report_overdue', 'report_returned'));

ALTER TABLE reminder ADD COLUMN report_period_id bigint REFERENCES report_period (id);

DROP INDEX reminder_compliance_once;
CREATE UNIQUE INDEX reminder_compliance_once ON reminder (rule_id, decree_id, region_code, period_start, recipient_key, channel)
    NULLS NOT DISTINCT WHERE session_id IS NULL AND report_period_id IS NULL;
-- The compliance planner (012) names the index it conflicts on by its predicate; it is the
-- same function with the new predicate, rewritten in place rather than copied here.
DO $$
BEGIN
    EXECUTE replace(pg_get_functiondef('plan_compliance_reminders'::regproc),
                    'WHERE session_id IS NULL DO NOTHING', 'WHERE session_id IS NULL AND report_period_id IS NULL DO NOTHING');
END;
$$;
-- One per rule, period, task force, occasion (the day it is about) and recipient.
CREATE UNIQUE INDEX reminder_report_once ON reminder (rule_id, report_period_id, task_force_id, period_start, recipient_key, channel)
    NULLS NOT DISTINCT WHERE report_period_id IS NOT NULL;

-- Who hears about a task force's report: its current sekretaris, and the coordinator
-- accounts of its region; a coordinator who is also the sekretaris, once.
CREATE FUNCTION report_audience(p_task_force bigint)
RETURNS TABLE (person_key text, recipient_key text, recipient_name text, recipient_email text, recipient_language text)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (a.person_key) a.person_key, a.recipient_key, a.recipient_name, a.recipient_email, a.recipient_language
    FROM (
        SELECT 'person:' || pe.id AS person_key, 'membership:' || m.id AS recipient_key, pe.name AS recipient_name,
               pe.email AS recipient_email, pe.language AS recipient_language, 1 AS preference
        FROM task_force t
        JOIN membership m ON m.task_force_id = t.id AND m.role = 'sekretaris'
        JOIN person pe ON pe.id = m.person_id AND pe.erased_at IS NULL
        LEFT JOIN region rg ON rg.code = t.region_code
        WHERE t.id = p_task_force
          AND m.valid_from <= (now() AT TIME ZONE coalesce(rg.time_zone, 'Asia/Jakarta'))::date
          AND (m.valid_until IS NULL OR m.valid_until >= (now() AT TIME ZONE coalesce(rg.time_zone, 'Asia/Jakarta'))::date)
        UNION ALL
        SELECT coalesce('person:' || pe.id, 'account:' || ac.id), 'account:' || ac.id, ac.name, ac.email, ac.language, 2
        FROM task_force t
        JOIN account ac ON ac.role = 'coordinator' AND ac.region_code = t.region_code AND ac.disabled_at IS NULL
        LEFT JOIN person pe ON lower(pe.email) = lower(ac.email)
        WHERE t.id = p_task_force
    ) a
    ORDER BY a.person_key, a.preference
$$;

-- The task forces that report in a period: those with an action assigned in its programme.
CREATE FUNCTION report_task_forces(p_period bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT t.id FROM task_force t, report_period p
    WHERE p.id = p_period AND EXISTS (
        SELECT 1 FROM report_action a
        WHERE a.programme_id = p.programme_id AND CASE a.assigned
            WHEN 'national' THEN t.level = 'national'
            WHEN 'all' THEN EXISTS (SELECT 1 FROM region g WHERE g.code = t.region_code AND g.level = 'province')
            ELSE EXISTS (SELECT 1 FROM report_action_region x WHERE x.action_id = a.id AND x.region_code = t.region_code)
        END)
$$;

-- Plans the reporting reminders due by their rules, for every open period (or, with
-- p_report, the one returned report). A rule counts from when it exists: a period already
-- open when the rule is made hears of it now, one long closed never.
CREATE FUNCTION plan_report_reminders(p_report bigint DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    planned integer;
BEGIN
    WITH occasions AS (
        SELECT r.id AS rule_id, r.channel, p.id AS period_id, tf.id AS task_force_id, t.region_code,
               CASE r.kind
                   WHEN 'report_opens' THEN p.opens_on
                   WHEN 'report_closing' THEN greatest(p.closes_on, coalesce(ext.until_on, p.closes_on)) - r.days_before
                   WHEN 'report_overdue' THEN (report_deadline(p.id, t.region_code) AT TIME ZONE zone.tz)::date
                   WHEN 'report_returned' THEN (rep.reviewed_at AT TIME ZONE zone.tz)::date
               END AS occasion,
               r.kind, r.created_at, rep.reviewed_at, zone.tz, report_deadline(p.id, t.region_code) AS due_at
        FROM reminder_rule r
        JOIN report_period p ON true
        CROSS JOIN LATERAL report_task_forces(p.id) AS tf(id)
        JOIN task_force t ON t.id = tf.id
        LEFT JOIN region rg ON rg.code = t.region_code
        CROSS JOIN LATERAL (SELECT coalesce(rg.time_zone, 'Asia/Jakarta') AS tz) zone
        LEFT JOIN LATERAL (
            SELECT max(e.until_on) AS until_on FROM report_extension e
            WHERE e.period_id = p.id AND (e.region_code IS NULL OR e.region_code = t.region_code)) ext ON true
        LEFT JOIN report rep ON rep.task_force_id = t.id AND rep.period_id = p.id
        WHERE r.kind LIKE 'report_%' AND r.removed_at IS NULL
          AND (r.task_force_id IS NULL OR r.task_force_id = t.id)
          AND (p_report IS NULL OR rep.id = p_report)
          -- Nothing more to say about a verified report, nor to a task force that submitted.
          AND coalesce(rep.state, 'draft') <> 'verified'
          AND CASE r.kind
                  WHEN 'report_returned' THEN rep.state = 'returned' AND rep.reviewed_at >= r.created_at
                  WHEN 'report_overdue' THEN rep.submitted_at IS NULL
                                         AND report_deadline(p.id, t.region_code) + interval '9 hours' >= r.created_at
                  ELSE coalesce(rep.state, 'draft') NOT IN ('submitted', 'verified') AND now() < report_deadline(p.id, t.region_code)
              END
    )
    INSERT INTO reminder (rule_id, task_force_id, region_code, report_period_id, period_start, person_key, recipient_key,
                          recipient_name, recipient_email, recipient_language, channel, due_at, not_before)
    SELECT o.rule_id, o.task_force_id, o.region_code, o.period_id, o.occasion, a.person_key, a.recipient_key,
           a.recipient_name, a.recipient_email, a.recipient_language, o.channel, w.due, w.due
    FROM occasions o
    CROSS JOIN LATERAL report_audience(o.task_force_id) a
    CROSS JOIN LATERAL (SELECT CASE o.kind
        WHEN 'report_returned' THEN o.reviewed_at
        -- Planned after its moment (a rule made, a task force formed or a period extended
        -- since): now, rather than a time already past that the catch-up limit would skip.
        ELSE greatest(o.created_at, now(), (o.occasion + time '09:00') AT TIME ZONE o.tz)
    END AS due) w
    WHERE (o.channel <> 'email' OR a.recipient_email IS NOT NULL)
    ON CONFLICT (rule_id, report_period_id, task_force_id, period_start, recipient_key, channel)
        WHERE report_period_id IS NOT NULL DO NOTHING;
    GET DIAGNOSTICS planned = ROW_COUNT;
    IF planned > 0 THEN
        PERFORM pg_notify('gugus_reminders', 'report');
    END IF;
    RETURN planned;
END;
$$;

-- Whether a reporting reminder still applies when a worker claims it.
CREATE FUNCTION report_reminder_holds(p_rule bigint, p_period bigint, p_task_force bigint, p_key text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM report_audience(p_task_force) a WHERE a.recipient_key = p_key)
       AND coalesce(rep.state, 'draft') <> 'verified'
       AND CASE r.kind
               WHEN 'report_returned' THEN rep.state = 'returned'
               WHEN 'report_overdue' THEN rep.submitted_at IS NULL AND now() >= report_deadline(p_period, t.region_code)
               WHEN 'report_closing' THEN coalesce(rep.state, 'draft') NOT IN ('submitted', 'verified')
                   AND now() < report_deadline(p_period, t.region_code)
                   -- An extension since planning moved the close: this count of days is wrong now.
                   AND (report_deadline(p_period, t.region_code) AT TIME ZONE coalesce(rg.time_zone, 'Asia/Jakarta'))::date - 1
                       - (now() AT TIME ZONE coalesce(rg.time_zone, 'Asia/Jakarta'))::date <= r.days_before
               ELSE coalesce(rep.state, 'draft') NOT IN ('submitted', 'verified') AND now() < report_deadline(p_period, t.region_code)
           END
    FROM reminder_rule r
    JOIN task_force t ON t.id = p_task_force
    LEFT JOIN region rg ON rg.code = t.region_code
    LEFT JOIN report rep ON rep.task_force_id = t.id AND rep.period_id = p_period
    WHERE r.id = p_rule
$$;

-- A returned report tells its reporters at once.
CREATE FUNCTION report_returned_plan() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM plan_report_reminders(NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER report_returned_plan AFTER UPDATE OF state ON report
    FOR EACH ROW WHEN (NEW.state = 'returned' AND OLD.state IS DISTINCT FROM 'returned')
    EXECUTE FUNCTION report_returned_plan();
