-- Reminder rules, the reminders they plan, and every dispatch decision.
--
-- Planning happens in the database, in the transaction of the change that causes it:
-- triggers on sessions, participants, memberships and rules call plan_session_reminders.
-- A reminder is one row per rule, session, recipient and channel; re-planning re-times it
-- in place, so a reschedule can never leave the old time behind to be sent.

CREATE TABLE reminder_rule (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL DEFAULT 'session' CONSTRAINT reminder_rule_kind_valid
        CHECK (kind IN ('session', 'decree_expiry', 'no_task_force')),
    -- Session rules: how long before the start.
    offset_minutes integer CONSTRAINT reminder_rule_offset_positive CHECK (offset_minutes > 0),
    -- Decree rules: how many days before the end of term.
    days_before integer CONSTRAINT reminder_rule_days_before_positive CHECK (days_before > 0),
    -- Province rules: once per this many days while a province has no GTD.
    repeat_days integer CONSTRAINT reminder_rule_repeat_positive CHECK (repeat_days > 0),
    audience text NOT NULL CONSTRAINT reminder_rule_audience_valid
        CHECK (audience IN ('participants', 'members', 'organizers', 'core_roles', 'secretariat')),
    channel text NOT NULL CONSTRAINT reminder_rule_channel_valid CHECK (channel IN ('log', 'email', 'webhook')),
    webhook_url text CONSTRAINT reminder_rule_webhook_url_valid CHECK (webhook_url ~ '^https?://[^[:space:]]+$'),
    task_force_id bigint REFERENCES task_force (id),
    session_id bigint REFERENCES outreach_session (id),
    created_by text,
    -- No reminder is ever planned to fire before this moment: a new rule does not backfill.
    created_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz,
    CONSTRAINT reminder_rule_session_shape CHECK (kind <> 'session'
        OR (offset_minutes IS NOT NULL AND audience IN ('participants', 'members', 'organizers'))),
    CONSTRAINT reminder_rule_decree_shape CHECK (kind <> 'decree_expiry' OR (days_before IS NOT NULL AND audience = 'core_roles')),
    CONSTRAINT reminder_rule_province_shape CHECK (kind <> 'no_task_force' OR (repeat_days IS NOT NULL AND audience = 'secretariat')),
    CONSTRAINT reminder_rule_one_scope CHECK (task_force_id IS NULL OR session_id IS NULL)
);

CREATE TABLE reminder (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_id bigint NOT NULL REFERENCES reminder_rule (id),
    task_force_id bigint REFERENCES task_force (id),
    session_id bigint REFERENCES outreach_session (id),
    decree_id bigint REFERENCES decree (id),
    region_code text REFERENCES region (code),
    -- Province rules fire once per period; this is the period's first day.
    period_start date,
    -- 'participant:12' or 'membership:5': who, independently of their current details.
    recipient_key text NOT NULL,
    recipient_name text NOT NULL,
    recipient_email text,
    recipient_language text NOT NULL DEFAULT 'id',
    channel text NOT NULL CONSTRAINT reminder_channel_valid CHECK (channel IN ('log', 'email', 'webhook')),
    due_at timestamptz NOT NULL,
    -- When a worker may next take it: the due time, or a retry's backoff.
    not_before timestamptz NOT NULL,
    -- The session version it was planned for; a worker sends only if it still matches.
    planned_version integer,
    status text NOT NULL DEFAULT 'pending' CONSTRAINT reminder_status_valid
        CHECK (status IN ('pending', 'sent', 'skipped', 'failed', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    lease_until timestamptz,
    leased_by text,
    skip_reason text,
    last_error text,
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reminder_once UNIQUE NULLS NOT DISTINCT (rule_id, session_id, decree_id, region_code, period_start, recipient_key, channel),
    CONSTRAINT reminder_skip_has_reason CHECK (status <> 'skipped' OR skip_reason IS NOT NULL)
);

CREATE INDEX reminder_due_idx ON reminder (not_before) WHERE status IN ('pending', 'failed');
CREATE INDEX reminder_session_idx ON reminder (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX reminder_task_force_idx ON reminder (task_force_id, status);

-- Every decision a worker or the planner made about a reminder.
CREATE TABLE reminder_attempt (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reminder_id bigint NOT NULL REFERENCES reminder (id),
    attempt integer NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    worker text,
    outcome text NOT NULL CONSTRAINT reminder_attempt_outcome_valid
        CHECK (outcome IN ('sent', 'skipped', 'failed', 'dead', 'released')),
    detail text
);

CREATE INDEX reminder_attempt_reminder_idx ON reminder_attempt (reminder_id);

-- Who a session rule reaches.
CREATE FUNCTION session_recipients(p_session bigint, p_audience text)
RETURNS TABLE (recipient_key text, recipient_name text, recipient_email text, recipient_language text)
LANGUAGE sql STABLE AS $$
    SELECT 'participant:' || p.id, coalesce(pe.name, p.name), coalesce(pe.email, p.email), coalesce(pe.language, p.language)
    FROM participant p
    LEFT JOIN membership m ON m.id = p.membership_id
    LEFT JOIN person pe ON pe.id = m.person_id
    WHERE p.session_id = p_session AND p.registration IN ('invited', 'registered')
      AND (p_audience = 'participants' OR (p_audience = 'organizers' AND p.role = 'organizer'))
    UNION ALL
    SELECT 'membership:' || m.id, pe.name, pe.email, pe.language
    FROM outreach_session s
    JOIN membership m ON m.task_force_id = s.task_force_id
    JOIN person pe ON pe.id = m.person_id
    WHERE p_audience = 'members' AND s.id = p_session
      AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
      AND (m.valid_until IS NULL OR m.valid_until >= (s.starts_at AT TIME ZONE s.time_zone)::date)
$$;

-- Brings a session's reminders in line with the session, its people and the rules.
CREATE FUNCTION plan_session_reminders(p_session bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    s outreach_session%ROWTYPE;
    changed integer := 0;
    n integer;
BEGIN
    SELECT * INTO s FROM outreach_session WHERE id = p_session;
    IF NOT FOUND THEN
        RETURN;
    END IF;

    CREATE TEMP TABLE IF NOT EXISTS wanted_reminder (
        rule_id bigint, recipient_key text, recipient_name text, recipient_email text,
        recipient_language text, channel text, due_at timestamptz
    ) ON COMMIT DROP;
    TRUNCATE wanted_reminder;

    IF s.status = 'scheduled' THEN
        INSERT INTO wanted_reminder
        SELECT r.id, rc.recipient_key, rc.recipient_name, rc.recipient_email, rc.recipient_language, r.channel,
               s.starts_at - make_interval(mins => r.offset_minutes)
        FROM reminder_rule r
        CROSS JOIN LATERAL session_recipients(s.id, r.audience) rc
        WHERE r.kind = 'session' AND r.removed_at IS NULL
          AND (r.session_id = s.id OR r.task_force_id = s.task_force_id OR (r.session_id IS NULL AND r.task_force_id IS NULL))
          -- A rule never plans a reminder to fire before the rule existed.
          AND s.starts_at - make_interval(mins => r.offset_minutes) >= r.created_at
          AND (r.channel <> 'email' OR rc.recipient_email IS NOT NULL);
    END IF;

    -- New reminders only for times still ahead; existing ones are re-timed whatever the time.
    INSERT INTO reminder AS old (rule_id, task_force_id, session_id, recipient_key, recipient_name, recipient_email,
                                 recipient_language, channel, due_at, not_before, planned_version)
    SELECT w.rule_id, s.task_force_id, s.id, w.recipient_key, w.recipient_name, w.recipient_email,
           w.recipient_language, w.channel, w.due_at, w.due_at, s.version
    FROM wanted_reminder w
    WHERE w.due_at > now() OR EXISTS (
        SELECT 1 FROM reminder e WHERE e.rule_id = w.rule_id AND e.session_id = s.id
          AND e.recipient_key = w.recipient_key AND e.channel = w.channel)
    ON CONFLICT ON CONSTRAINT reminder_once DO UPDATE SET
        due_at = EXCLUDED.due_at,
        not_before = EXCLUDED.due_at,
        planned_version = EXCLUDED.planned_version,
        recipient_name = EXCLUDED.recipient_name,
        recipient_email = EXCLUDED.recipient_email,
        recipient_language = EXCLUDED.recipient_language,
        -- Pending and failed ones are re-timed. A skipped one comes back only while its time
        -- is still ahead (a re-invited guest, a session moved later), as a new one would: one
        -- skipped as late or after the start stays skipped whatever else changes. A sent or
        -- dead one is sent again only when the session changed since, and the new time is
        -- still ahead.
        status = 'pending', attempts = 0, skip_reason = NULL, last_error = NULL,
        lease_until = NULL, leased_by = NULL, sent_at = NULL, updated_at = now()
    WHERE (old.status IN ('pending', 'failed')
           AND (old.due_at, old.planned_version, old.recipient_email, old.recipient_name)
               IS DISTINCT FROM (EXCLUDED.due_at, EXCLUDED.planned_version, EXCLUDED.recipient_email, EXCLUDED.recipient_name))
       OR (old.status = 'skipped' AND EXCLUDED.due_at > now())
       OR (old.status IN ('sent', 'dead') AND old.planned_version IS DISTINCT FROM EXCLUDED.planned_version AND EXCLUDED.due_at > now());
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;

    -- What is no longer wanted is skipped, with the reason.
    WITH gone AS (
        UPDATE reminder r SET
            status = 'skipped', lease_until = NULL, leased_by = NULL, updated_at = now(),
            skip_reason = CASE
                WHEN s.status = 'cancelled' THEN 'session cancelled'
                WHEN s.status = 'completed' THEN 'session completed'
                WHEN NOT EXISTS (SELECT 1 FROM reminder_rule ru WHERE ru.id = r.rule_id AND ru.removed_at IS NULL) THEN 'rule removed'
                ELSE 'recipient no longer in the audience'
            END
        WHERE r.session_id = s.id AND r.status IN ('pending', 'failed')
          AND NOT EXISTS (SELECT 1 FROM wanted_reminder w
                          WHERE w.rule_id = r.rule_id AND w.recipient_key = r.recipient_key AND w.channel = r.channel)
        RETURNING r.id, r.attempts, r.skip_reason)
    INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
    SELECT id, attempts, 'planner', 'skipped', skip_reason FROM gone;
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;

    IF changed > 0 THEN
        -- Wakes the schedulers when the transaction commits.
        PERFORM pg_notify('gugus_reminders', 'session:' || s.id);
    END IF;
END;
$$;

-- Statement-level triggers, so inviting a whole task force plans once, not once a row.
CREATE FUNCTION plan_after_session_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM plan_session_reminders(id) FROM (SELECT DISTINCT id FROM changed_rows) AS c;
    RETURN NULL;
END;
$$;

CREATE TRIGGER session_plan_insert AFTER INSERT ON outreach_session
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_session_change();
CREATE TRIGGER session_plan_update AFTER UPDATE ON outreach_session
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_session_change();

CREATE FUNCTION plan_after_participant_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM plan_session_reminders(session_id) FROM (SELECT DISTINCT session_id FROM old_rows) AS c;
    ELSE
        PERFORM plan_session_reminders(session_id) FROM (SELECT DISTINCT session_id FROM new_rows) AS c;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER participant_plan_insert AFTER INSERT ON participant
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_participant_change();
CREATE TRIGGER participant_plan_update AFTER UPDATE ON participant
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_participant_change();
CREATE TRIGGER participant_plan_delete AFTER DELETE ON participant
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_participant_change();

-- A membership that starts or ends changes who the 'members' audience reaches.
CREATE FUNCTION plan_after_membership_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM plan_session_reminders(s.id)
    FROM outreach_session s
    WHERE s.task_force_id IN (SELECT DISTINCT task_force_id FROM new_rows)
      AND s.status = 'scheduled' AND s.starts_at > now();
    RETURN NULL;
END;
$$;

CREATE TRIGGER membership_plan_insert AFTER INSERT ON membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_membership_change();
CREATE TRIGGER membership_plan_update AFTER UPDATE ON membership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_membership_change();

-- Adding or removing a rule plans (or skips) for the sessions still ahead in its scope.
CREATE FUNCTION plan_after_rule_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM plan_session_reminders(s.id)
    FROM outreach_session s
    WHERE s.status = 'scheduled' AND s.starts_at > now()
      AND EXISTS (SELECT 1 FROM new_rows r WHERE r.kind = 'session'
                  AND (r.session_id = s.id OR r.task_force_id = s.task_force_id OR (r.session_id IS NULL AND r.task_force_id IS NULL)));
    RETURN NULL;
END;
$$;

CREATE TRIGGER reminder_rule_plan_insert AFTER INSERT ON reminder_rule
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_rule_change();
CREATE TRIGGER reminder_rule_plan_update AFTER UPDATE ON reminder_rule
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION plan_after_rule_change();
CREATE TRIGGER reminder_rule_audit AFTER INSERT OR UPDATE OR DELETE ON reminder_rule
    FOR EACH ROW EXECUTE FUNCTION audit_change('column');

-- Compliance reminders depend on the calendar as much as on changes, so the schedulers
-- call this regularly. Each fires once per decree, or once per province and period.
CREATE FUNCTION plan_compliance_reminders() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    planned integer := 0;
    n integer;
BEGIN
    -- A decree whose term ends within N days: its task force's ketua and sekretaris. The
    -- condition counts from when the rule exists: a term already inside the window fires now.
    INSERT INTO reminder (rule_id, task_force_id, decree_id, recipient_key, recipient_name, recipient_email,
                          recipient_language, channel, due_at, not_before)
    SELECT r.id, d.task_force_id, d.id, 'membership:' || m.id, pe.name, pe.email, pe.language, r.channel,
           greatest(r.created_at, ((upper(d.in_force) - 1 - r.days_before) + time '09:00') AT TIME ZONE rg.time_zone),
           greatest(r.created_at, ((upper(d.in_force) - 1 - r.days_before) + time '09:00') AT TIME ZONE rg.time_zone)
    FROM reminder_rule r
    JOIN decree d ON d.amends_id IS NULL AND NOT upper_inf(d.in_force)
    JOIN task_force t ON t.id = d.task_force_id
    JOIN region rg ON rg.code = t.region_code
    JOIN membership m ON m.task_force_id = d.task_force_id AND m.role IN ('ketua', 'sekretaris')
        AND m.valid_from <= (now() AT TIME ZONE rg.time_zone)::date
        AND (m.valid_until IS NULL OR m.valid_until >= (now() AT TIME ZONE rg.time_zone)::date)
    JOIN person pe ON pe.id = m.person_id
    WHERE r.kind = 'decree_expiry' AND r.removed_at IS NULL
      AND (r.task_force_id IS NULL OR r.task_force_id = d.task_force_id)
      AND d.in_force @> (now() AT TIME ZONE rg.time_zone)::date
      AND (r.channel <> 'email' OR pe.email IS NOT NULL)
    ON CONFLICT ON CONSTRAINT reminder_once DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    planned := planned + n;

    -- A province with no GTD in force: the national secretariat (the GTN's sekretaris and
    -- wakil sekretaris), once per period of repeat_days since the rule was made.
    INSERT INTO reminder (rule_id, region_code, period_start, recipient_key, recipient_name, recipient_email,
                          recipient_language, channel, due_at, not_before)
    SELECT r.id, rg.code, p.period_start, 'membership:' || m.id, pe.name, pe.email, pe.language, r.channel,
           greatest(r.created_at, (p.period_start + time '09:00') AT TIME ZONE 'Asia/Jakarta'),
           greatest(r.created_at, (p.period_start + time '09:00') AT TIME ZONE 'Asia/Jakarta')
    FROM reminder_rule r
    CROSS JOIN LATERAL (
        SELECT (r.created_at AT TIME ZONE 'Asia/Jakarta')::date
               + ((((now() AT TIME ZONE 'Asia/Jakarta')::date - (r.created_at AT TIME ZONE 'Asia/Jakarta')::date) / r.repeat_days) * r.repeat_days)
               AS period_start) p
    JOIN region rg ON rg.level = 'province'
    JOIN task_force gtn ON gtn.level = 'national'
    JOIN membership m ON m.task_force_id = gtn.id AND m.role IN ('sekretaris', 'wakil_sekretaris')
        AND m.valid_from <= (now() AT TIME ZONE 'Asia/Jakarta')::date
        AND (m.valid_until IS NULL OR m.valid_until >= (now() AT TIME ZONE 'Asia/Jakarta')::date)
    JOIN person pe ON pe.id = m.person_id
    WHERE r.kind = 'no_task_force' AND r.removed_at IS NULL
      AND NOT EXISTS (
          SELECT 1 FROM task_force t JOIN decree d ON d.task_force_id = t.id AND d.amends_id IS NULL
          WHERE t.region_code = rg.code AND d.in_force @> (now() AT TIME ZONE rg.time_zone)::date)
      AND (r.channel <> 'email' OR pe.email IS NOT NULL)
    ON CONFLICT ON CONSTRAINT reminder_once DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    planned := planned + n;

    IF planned > 0 THEN
        PERFORM pg_notify('gugus_reminders', 'compliance');
    END IF;
    RETURN planned;
END;
$$;
