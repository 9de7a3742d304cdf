-- One message per person, and notices when a session changes after its reminders went out.
--
-- Until now a reminder was one row per rule, session, recipient and channel, and a recipient
-- was a participant or a membership. A member who was also invited, reached by one rule for
-- participants and another for members, got the same message twice at the same moment.
-- Now a session reminder is one row per session, person, channel and due time (the rule's
-- offset before the start), however many rules, roles and audiences reach the person then:
--
--   person_key      'person:<id>' for anyone who is a person of a membership (reached as a
--                   member, or as a participant invited from the roster), 'guest:<participant
--                   id>' for an outside guest. recipient_key still says how the person was
--                   reached ('participant:N' or 'membership:N'), as payloads always carried it.
--   offset_minutes  the due time's distance before the start: stable across reschedules, so a
--                   reminder is re-timed in place and keeps its id and idempotency key.
--   rule_id         the rule that reaches the person at that time (as a participant before
--                   as a member, then the lowest id); its webhook target is the one used.
--
-- Notices are rows of the same table, so they go through the same claims, leases, channels
-- and guarantees, with their own idempotency keys:
--
--   kind            'reminder', 'change_notice' (the time or the place changed after the
--                   person was reminded) or 'cancel_notice' (cancelled after that).
--   notice          what the person was last told ({"old": {starts_at, ends_at, time_zone,
--                   mode, venue, online_url, version}}) and, for a cancellation, {"reason": …}.
--
-- What a person was told is the session as it stood at the version of the last message that
-- reached them; session_version keeps each version's time and place for that.
--
--   sent_version    the session version the last delivery spoke of (sent_at says when).
--   plan_attempts   the attempts already counted when the reminder was last planned: a
--                   re-planned reminder keeps counting its claims (so an old claim can never
--                   match the new plan), and its tries toward GUGUS_MAX_ATTEMPTS start again.

ALTER TABLE reminder
    ADD COLUMN kind text NOT NULL DEFAULT 'reminder'
        CONSTRAINT reminder_kind_valid CHECK (kind IN ('reminder', 'change_notice', 'cancel_notice')),
    ADD COLUMN person_key text,
    ADD COLUMN offset_minutes integer,
    ADD COLUMN notice jsonb,
    ADD COLUMN plan_attempts integer NOT NULL DEFAULT 0,
    ADD COLUMN sent_version integer,
    ADD CONSTRAINT reminder_notice_shape CHECK (kind = 'reminder' OR (session_id IS NOT NULL AND coalesce(notice ? 'old', false))),
    ADD CONSTRAINT reminder_plan_attempts_counted CHECK (plan_attempts BETWEEN 0 AND attempts);

-- Who each existing reminder is for, as a person.
UPDATE reminder r SET person_key = coalesce(
    (SELECT 'person:' || m.person_id FROM membership m
     WHERE split_part(r.recipient_key, ':', 1) = 'membership' AND m.id = split_part(r.recipient_key, ':', 2)::bigint),
    (SELECT coalesce('person:' || m.person_id, 'guest:' || p.id) FROM participant p LEFT JOIN membership m ON m.id = p.membership_id
     WHERE split_part(r.recipient_key, ':', 1) = 'participant' AND p.id = split_part(r.recipient_key, ':', 2)::bigint));
UPDATE reminder r SET offset_minutes = ru.offset_minutes
FROM reminder_rule ru WHERE ru.id = r.rule_id AND r.session_id IS NOT NULL;
UPDATE reminder SET sent_version = planned_version WHERE sent_at IS NOT NULL;

-- Reminders planned twice for one person at one time: one stands for the person, the one
-- still waiting if any (else the one sent, else the first), and carries when the person was
-- last reached and of which version; the others leave the person's identity (their history stays) and, if still
-- waiting, are skipped with the reason. Each session's reminders are planned again below.
WITH ranked AS (
    SELECT id, first_value(id) OVER same AS first, max(sent_at) OVER same AS last_sent,
           first_value(sent_version) OVER latest AS last_version
    FROM reminder
    WHERE session_id IS NOT NULL AND person_key IS NOT NULL
    WINDOW same AS (PARTITION BY session_id, person_key, channel, offset_minutes
                    ORDER BY CASE WHEN status IN ('pending', 'failed') THEN 0 WHEN status = 'sent' THEN 1 ELSE 2 END, id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING),
           latest AS (PARTITION BY session_id, person_key, channel, offset_minutes ORDER BY sent_at DESC NULLS LAST)),
kept AS (
    UPDATE reminder r SET sent_at = ranked.last_sent, sent_version = ranked.last_version
    FROM ranked
    WHERE ranked.id = r.id AND ranked.first = r.id AND ranked.last_sent IS DISTINCT FROM r.sent_at
    RETURNING r.id),
merged AS (
    UPDATE reminder r SET
        person_key = NULL,
        status = CASE WHEN r.status IN ('pending', 'failed') THEN 'skipped' ELSE r.status END,
        skip_reason = CASE WHEN r.status IN ('pending', 'failed') THEN 'the same person is reminded by reminder ' || ranked.first
                           ELSE r.skip_reason END,
        lease_until = CASE WHEN r.status IN ('pending', 'failed') THEN NULL ELSE r.lease_until END,
        leased_by = CASE WHEN r.status IN ('pending', 'failed') THEN NULL ELSE r.leased_by END,
        updated_at = now()
    FROM ranked
    WHERE ranked.id = r.id AND ranked.first <> r.id
    RETURNING r.id, r.attempts, r.status, r.skip_reason)
INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
SELECT id, attempts, 'planner', 'skipped', skip_reason FROM merged WHERE status = 'skipped' AND skip_reason LIKE 'the same person%';

-- The identities: compliance reminders as before, session reminders per person and time,
-- notices per person and session version.
ALTER TABLE reminder DROP CONSTRAINT reminder_once;
CREATE UNIQUE INDEX reminder_compliance_once ON reminder (rule_id, decree_id, region_code, period_start, recipient_key, channel)
    NULLS NOT DISTINCT WHERE session_id IS NULL;
CREATE UNIQUE INDEX reminder_session_once ON reminder (session_id, person_key, channel, offset_minutes)
    WHERE kind = 'reminder' AND session_id IS NOT NULL;
CREATE UNIQUE INDEX reminder_notice_once ON reminder (session_id, person_key, channel, planned_version)
    WHERE kind <> 'reminder';
ALTER TABLE reminder ADD CONSTRAINT reminder_session_identity
    CHECK (session_id IS NULL OR kind <> 'reminder' OR person_key IS NULL OR offset_minutes IS NOT NULL);

-- Who a session rule reaches at a due time: each person once per audience, with how they
-- were reached and which way is preferred when both are (as a participant first: the
-- invitation names them for this session). A participant from the roster whose membership
-- ended before the due time is not reached; neither is a member whose membership does not
-- cover the day of the session.
CREATE FUNCTION session_audience(p_session bigint, p_audience text, p_due timestamptz)
RETURNS TABLE (person_key text, recipient_key text, recipient_name text, recipient_email text, recipient_language text,
               preference integer)
LANGUAGE sql STABLE AS $$
    SELECT coalesce('person:' || m.person_id, 'guest:' || p.id), 'participant:' || p.id,
           coalesce(pe.name, p.name), coalesce(pe.email, p.email), coalesce(pe.language, p.language), 0
    FROM participant p
    JOIN outreach_session s ON s.id = p.session_id
    LEFT JOIN membership m ON m.id = p.membership_id
    LEFT JOIN person pe ON pe.id = m.person_id
    WHERE p.session_id = p_session AND p.registration IN ('invited', 'registered')
      AND (p_audience = 'participants' OR (p_audience = 'organizers' AND p.role = 'organizer'))
      AND (m.valid_until IS NULL OR m.valid_until >= (p_due AT TIME ZONE s.time_zone)::date)
    UNION ALL
    SELECT 'person:' || m.person_id, 'membership:' || m.id, pe.name, pe.email, pe.language, 1
    FROM outreach_session s
    JOIN membership m ON m.task_force_id = s.task_force_id
    JOIN person pe ON pe.id = m.person_id
    WHERE p_audience = 'members' AND s.id = p_session
      AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
      AND (m.valid_until IS NULL OR m.valid_until >= (s.starts_at AT TIME ZONE s.time_zone)::date)
$$;

-- The session reminders a session should have now: one per person, channel and offset, from
-- the first rule that reaches the person that way. Empty for a session that is not scheduled
-- or has started.
CREATE FUNCTION wanted_session_reminders(p_session bigint)
RETURNS TABLE (rule_id bigint, person_key text, recipient_key text, recipient_name text, recipient_email text,
               recipient_language text, channel text, offset_minutes integer, due_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (a.person_key, r.channel, r.offset_minutes)
           r.id, a.person_key, a.recipient_key, a.recipient_name, a.recipient_email, a.recipient_language, r.channel,
           r.offset_minutes, s.starts_at - make_interval(mins => r.offset_minutes)
    FROM outreach_session s
    JOIN reminder_rule r ON r.kind = 'session' AND r.removed_at IS NULL
        AND (r.session_id = s.id OR r.task_force_id = s.task_force_id OR (r.session_id IS NULL AND r.task_force_id IS NULL))
        -- A rule never plans a reminder to fire before the rule existed.
        AND s.starts_at - make_interval(mins => r.offset_minutes) >= r.created_at
    CROSS JOIN LATERAL session_audience(s.id, r.audience, s.starts_at - make_interval(mins => r.offset_minutes)) a
    WHERE s.id = p_session AND s.status = 'scheduled' AND s.starts_at > now()
      AND (r.channel <> 'email' OR a.recipient_email IS NOT NULL)
    ORDER BY a.person_key, r.channel, r.offset_minutes, a.preference, r.id
$$;

-- Brings a session's reminders in line with the session, its people and the rules.
CREATE OR REPLACE FUNCTION plan_session_reminders(p_session bigint) RETURNS void
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

    CREATE TEMP TABLE IF NOT EXISTS wanted_person_reminder (
        rule_id bigint, person_key text, recipient_key text, recipient_name text, recipient_email text,
        recipient_language text, channel text, offset_minutes integer, due_at timestamptz
    ) ON COMMIT DROP;
    TRUNCATE wanted_person_reminder;
    INSERT INTO wanted_person_reminder SELECT * FROM wanted_session_reminders(s.id);

    -- New reminders only for times still ahead; existing ones are re-timed whatever the time.
    INSERT INTO reminder AS old (rule_id, task_force_id, session_id, person_key, offset_minutes, recipient_key, recipient_name,
                                 recipient_email, recipient_language, channel, due_at, not_before, planned_version)
    SELECT w.rule_id, s.task_force_id, s.id, w.person_key, w.offset_minutes, w.recipient_key, w.recipient_name,
           w.recipient_email, w.recipient_language, w.channel, w.due_at, w.due_at, s.version
    FROM wanted_person_reminder w
    WHERE w.due_at > now() OR EXISTS (
        SELECT 1 FROM reminder e WHERE e.session_id = s.id AND e.kind = 'reminder' AND e.person_key = w.person_key
          AND e.channel = w.channel AND e.offset_minutes = w.offset_minutes)
    ON CONFLICT (session_id, person_key, channel, offset_minutes) WHERE kind = 'reminder' AND session_id IS NOT NULL DO UPDATE SET
        rule_id = EXCLUDED.rule_id,
        recipient_key = EXCLUDED.recipient_key,
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
        -- still ahead. A claim in progress is voided: the lease goes, and the attempt count
        -- carries on, so neither that claim nor a later one by the same worker matches it,
        -- and no worker sends or records the old plan over the new one. sent_at and
        -- sent_version stay: they say what the person was told, which notices go by.
        status = 'pending', plan_attempts = old.attempts, skip_reason = NULL, last_error = NULL,
        lease_until = NULL, leased_by = NULL, updated_at = now()
    WHERE (old.status IN ('pending', 'failed')
           AND (old.due_at, old.planned_version, old.recipient_email, old.recipient_name, old.rule_id, old.recipient_key)
               IS DISTINCT FROM (EXCLUDED.due_at, EXCLUDED.planned_version, EXCLUDED.recipient_email, EXCLUDED.recipient_name,
                                 EXCLUDED.rule_id, EXCLUDED.recipient_key))
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
                WHEN s.starts_at <= now() THEN 'session starts in the past (' || to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') || ')'
                WHEN NOT EXISTS (SELECT 1 FROM reminder_rule ru WHERE ru.id = r.rule_id AND ru.removed_at IS NULL) THEN 'rule removed'
                WHEN r.recipient_key LIKE 'participant:%' AND EXISTS (
                    SELECT 1 FROM participant p JOIN membership m ON m.id = p.membership_id
                    WHERE p.id = split_part(r.recipient_key, ':', 2)::bigint
                      AND m.valid_until < (r.due_at AT TIME ZONE s.time_zone)::date) THEN 'membership ended before the due time'
                ELSE 'recipient no longer in the audience'
            END
        WHERE r.session_id = s.id AND r.kind = 'reminder' AND r.status IN ('pending', 'failed')
          AND NOT EXISTS (SELECT 1 FROM wanted_person_reminder w
                          WHERE w.person_key = r.person_key AND w.channel = r.channel AND w.offset_minutes = r.offset_minutes)
        RETURNING r.id, r.attempts, r.skip_reason)
    INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
    SELECT id, attempts, 'planner', 'skipped', skip_reason FROM gone;
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;

    -- A notice waiting to go for a session that is over, or since completed, no longer helps.
    WITH gone AS (
        UPDATE reminder r SET status = 'skipped', lease_until = NULL, leased_by = NULL, updated_at = now(),
                              skip_reason = CASE WHEN s.status = 'completed' THEN 'session completed' ELSE 'session already started' END
        WHERE r.session_id = s.id AND r.kind = 'change_notice' AND r.status IN ('pending', 'failed')
          AND (s.status = 'completed' OR s.starts_at <= now())
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

-- The time and place of a session as a person is told them, instants in UTC text so that
-- the same instant always compares equal, whatever the session's TimeZone setting.
CREATE FUNCTION session_time_and_place(s outreach_session) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'starts_at', to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'ends_at', to_char(s.ends_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'time_zone', s.time_zone, 'mode', s.mode, 'venue', s.venue, 'online_url', s.online_url)
$$;

-- Each version of each session's time and place, so that what a person was told can be
-- found from the version of the last message that reached them. Versions from before this
-- migration are not known; their sessions start here at the version they have.
CREATE TABLE session_version (
    session_id bigint NOT NULL REFERENCES outreach_session (id),
    version integer NOT NULL,
    time_and_place jsonb NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, version)
);
INSERT INTO session_version (session_id, version, time_and_place)
SELECT s.id, s.version, session_time_and_place(s) FROM outreach_session s;

CREATE FUNCTION record_session_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.version <> OLD.version THEN
        INSERT INTO session_version (session_id, version, time_and_place)
        VALUES (NEW.id, NEW.version, session_time_and_place(NEW))
        ON CONFLICT (session_id, version) DO UPDATE SET time_and_place = EXCLUDED.time_and_place, at = now();
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER session_version_record AFTER INSERT OR UPDATE ON outreach_session
    FOR EACH ROW EXECUTE FUNCTION record_session_version();

-- Whether a session still reaches a person, by any audience: an invitation not declined or
-- cancelled, or a membership that covers the day of the session.
CREATE FUNCTION session_reaches(p_session bigint, p_person text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM participant p LEFT JOIN membership m ON m.id = p.membership_id
        WHERE p.session_id = p_session AND p.registration IN ('invited', 'registered')
          AND CASE split_part(p_person, ':', 1)
                  WHEN 'guest' THEN p.id = split_part(p_person, ':', 2)::bigint AND p.membership_id IS NULL
                  WHEN 'person' THEN m.person_id = split_part(p_person, ':', 2)::bigint
                  ELSE false END)
        OR (split_part(p_person, ':', 1) = 'person' AND EXISTS (
            SELECT 1 FROM outreach_session s JOIN membership m ON m.task_force_id = s.task_force_id
            WHERE s.id = p_session AND m.person_id = split_part(p_person, ':', 2)::bigint
              AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
              AND (m.valid_until IS NULL OR m.valid_until >= (s.starts_at AT TIME ZONE s.time_zone)::date)))
$$;

-- After a session's time or place changed, or it was cancelled before it started: a notice
-- to each person, on each channel, who was already told of it (a reminder or a notice went
-- out, or was going out when the change came) and whom the session still reaches, saying what
-- they were told (the session at the version of the last message that reached them) and what
-- holds now. A notice not yet sent is replaced by the newer one; a change back to what the
-- person was told sends nothing. Nobody who got no reminder yet gets a notice: their reminder
-- will say the new time.
--
-- A row trigger, so it sees each session's old values; it fires before the statement trigger
-- that re-plans the reminders, so a message being delivered still holds its lease here.
CREATE FUNCTION plan_session_notices() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    notice_kind text;
    planned integer;
BEGIN
    IF NEW.status = 'cancelled' AND OLD.status = 'scheduled' AND OLD.starts_at > now() THEN
        notice_kind := 'cancel_notice';
    ELSIF NEW.status = 'scheduled' AND session_time_and_place(NEW) IS DISTINCT FROM session_time_and_place(OLD) THEN
        notice_kind := 'change_notice';
    ELSE
        RETURN NULL;
    END IF;

    WITH superseded AS (
        UPDATE reminder r SET status = 'skipped', lease_until = NULL, leased_by = NULL, updated_at = now(),
                              skip_reason = CASE WHEN notice_kind = 'cancel_notice' THEN 'superseded by the cancellation'
                                                 ELSE 'superseded by a newer change' END
        WHERE r.session_id = NEW.id AND r.kind = 'change_notice' AND r.status IN ('pending', 'failed')
          AND (r.lease_until IS NULL OR r.lease_until <= now())
        RETURNING r.id, r.attempts, r.skip_reason),
    recorded AS (
        INSERT INTO reminder_attempt (reminder_id, attempt, worker, outcome, detail)
        SELECT id, attempts, 'planner', 'skipped', skip_reason FROM superseded),
    told AS (
        -- Per person and channel: the last message that reached them (sent, or being sent
        -- now), for the version they know, and its rule (the webhook target) and details.
        SELECT DISTINCT ON (r.person_key, r.channel) r.person_key, r.channel, r.rule_id, r.recipient_key, r.recipient_name,
               r.recipient_email, r.recipient_language,
               coalesce((SELECT v.time_and_place FROM session_version v WHERE v.session_id = NEW.id AND v.version = t.version),
                        session_time_and_place(OLD)) || jsonb_build_object('version', t.version) AS last_told
        FROM reminder r
        -- A message going out now speaks of the version it was planned for.
        CROSS JOIN LATERAL (SELECT CASE WHEN r.status IN ('pending', 'failed') AND r.lease_until > now() THEN r.planned_version
                                        ELSE r.sent_version END AS version) t
        WHERE r.session_id = NEW.id AND r.person_key IS NOT NULL AND t.version IS NOT NULL
          AND session_reaches(NEW.id, r.person_key)
        ORDER BY r.person_key, r.channel, greatest(r.sent_at, CASE WHEN r.lease_until > now() THEN now() END) DESC NULLS LAST, r.id DESC)
    INSERT INTO reminder (rule_id, task_force_id, session_id, person_key, recipient_key, recipient_name, recipient_email,
                          recipient_language, channel, due_at, not_before, planned_version, kind, notice)
    SELECT t.rule_id, NEW.task_force_id, NEW.id, t.person_key, t.recipient_key, t.recipient_name, t.recipient_email,
           t.recipient_language, t.channel, now(), now(), NEW.version, notice_kind,
           jsonb_build_object('old', t.last_told)
               || CASE WHEN notice_kind = 'cancel_notice' THEN jsonb_build_object('reason', NEW.cancel_reason) ELSE '{}' END
    FROM told t
    -- A change back to what the person was told is no news.
    WHERE notice_kind = 'cancel_notice' OR t.last_told - 'version' IS DISTINCT FROM session_time_and_place(NEW)
    ON CONFLICT (session_id, person_key, channel, planned_version) WHERE kind <> 'reminder' DO NOTHING;
    GET DIAGNOSTICS planned = ROW_COUNT;
    IF planned > 0 THEN
        PERFORM pg_notify('gugus_reminders', 'session:' || NEW.id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER session_notices AFTER UPDATE ON outreach_session
    FOR EACH ROW EXECUTE FUNCTION plan_session_notices();

-- Whether a session reminder is still wanted just before it goes: some live rule with its
-- channel and offset, in scope, still reaches the person at its due time (the planner's
-- triggers normally got there first; this is the worker's last look, one indexed probe per
-- reminder rather than the whole audience of the session).
CREATE FUNCTION session_reminder_wanted(p_session bigint, p_person text, p_channel text, p_offset integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1
        FROM outreach_session s
        JOIN reminder_rule r ON r.kind = 'session' AND r.removed_at IS NULL AND r.channel = p_channel AND r.offset_minutes = p_offset
            AND (r.session_id = s.id OR r.task_force_id = s.task_force_id OR (r.session_id IS NULL AND r.task_force_id IS NULL))
            AND s.starts_at - make_interval(mins => r.offset_minutes) >= r.created_at
        WHERE s.id = p_session AND s.status = 'scheduled' AND s.starts_at > now()
          AND (EXISTS (
                  SELECT 1 FROM participant p LEFT JOIN membership m ON m.id = p.membership_id
                  WHERE p.session_id = s.id AND p.registration IN ('invited', 'registered')
                    AND (r.audience = 'participants' OR (r.audience = 'organizers' AND p.role = 'organizer'))
                    AND CASE split_part(p_person, ':', 1)
                            WHEN 'guest' THEN p.id = split_part(p_person, ':', 2)::bigint AND p.membership_id IS NULL
                            WHEN 'person' THEN m.person_id = split_part(p_person, ':', 2)::bigint
                            ELSE false END
                    AND (m.valid_until IS NULL
                         OR m.valid_until >= ((s.starts_at - make_interval(mins => p_offset)) AT TIME ZONE s.time_zone)::date))
               OR (r.audience = 'members' AND split_part(p_person, ':', 1) = 'person' AND EXISTS (
                  SELECT 1 FROM membership m
                  WHERE m.task_force_id = s.task_force_id AND m.person_id = split_part(p_person, ':', 2)::bigint
                    AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
                    AND (m.valid_until IS NULL OR m.valid_until >= (s.starts_at AT TIME ZONE s.time_zone)::date)))))
$$;

-- Compliance reminders as before, with each recipient's person and the new identity.
CREATE OR REPLACE FUNCTION plan_compliance_reminders() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    planned integer := 0;
    n integer;
BEGIN
    -- A decree whose term ends within N days: its task force's ketua and sekretaris. The
    -- condition counts from when the rule exists: a term already inside the window fires now.
    INSERT INTO reminder (rule_id, task_force_id, decree_id, person_key, recipient_key, recipient_name, recipient_email,
                          recipient_language, channel, due_at, not_before)
    SELECT r.id, d.task_force_id, d.id, 'person:' || m.person_id, 'membership:' || m.id, pe.name, pe.email, pe.language, r.channel,
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
    ON CONFLICT (rule_id, decree_id, region_code, period_start, recipient_key, channel) WHERE session_id IS NULL DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    planned := planned + n;

    -- A province with no GTD in force: the national secretariat (the GTN's sekretaris and
    -- wakil sekretaris), once per period of repeat_days since the rule was made.
    INSERT INTO reminder (rule_id, region_code, period_start, person_key, recipient_key, recipient_name, recipient_email,
                          recipient_language, channel, due_at, not_before)
    SELECT r.id, rg.code, p.period_start, 'person:' || m.person_id, 'membership:' || m.id, pe.name, pe.email, pe.language, r.channel,
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
    ON CONFLICT (rule_id, decree_id, region_code, period_start, recipient_key, channel) WHERE session_id IS NULL DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    planned := planned + n;

    IF planned > 0 THEN
        PERFORM pg_notify('gugus_reminders', 'compliance');
    END IF;
    RETURN planned;
END;
$$;

-- The old planner's helper is replaced by session_audience; the dispatch check by
-- session_reminder_wanted.
DROP FUNCTION session_recipients(bigint, text);
DROP FUNCTION reminder_recipient_current(bigint, text, text);

-- Every session still ahead, planned by the new rules: a duplicate merged above may have
-- stood for a person whom another rule now reaches. (No audit: the planner writes reminders
-- only.)
SELECT plan_session_reminders(id) FROM outreach_session WHERE status = 'scheduled' AND starts_at > now();
