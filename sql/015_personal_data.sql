-- Personal data under UU PDP (Law 27/2022): erasure as redaction, opt-out from reminders.
--
-- History is never deleted: a membership a decree made stays. Erasing a person removes their
-- contact data (and on request the name) from every row that holds it, and marks the row, so
-- that nobody is reminded any more and the mark says when it happened.

ALTER TABLE person ADD COLUMN erased_at timestamptz;
ALTER TABLE participant ADD COLUMN erased_at timestamptz;

-- What replaces an erased name, in the rows and in the audit log's images.
CREATE FUNCTION erased_placeholder() RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT '[dihapus]' $$;

-- A case-insensitive pattern that matches any of `secrets` literally; NULL for none.
CREATE FUNCTION redact_pattern(secrets text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(regexp_replace(s, '([.^$*+?()\[\]{}|\\-])', '\\\1', 'g'), '|')
    FROM unnest(secrets) AS s WHERE btrim(s) <> ''
$$;

-- Every occurrence of any of `secrets` in `value`, whatever its case, replaced with the
-- placeholder. For the free texts where an address may have been written (an SMTP server's
-- refusal, a skip reason, an audit image as text).
CREATE FUNCTION redact_text(value text, secrets text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL OR redact_pattern(secrets) IS NULL THEN value
           ELSE regexp_replace(value, redact_pattern(secrets), erased_placeholder(), 'gi')
           END
$$;

-- The same inside a JSON image: the secrets as they are written inside a JSON string.
CREATE FUNCTION redact_json(value jsonb, secrets text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN NULL
           ELSE redact_text(value::text,
                    ARRAY(SELECT substr(to_jsonb(s)::text, 2, length(to_jsonb(s)::text) - 2) FROM unnest(secrets) AS s))::jsonb
           END
$$;

-- Opt-out: a person who followed the link in a reminder gets no more reminders of that kind.
-- The subject is the person ('person:5'); an outside guest is known by the SHA-256 of the
-- address, so the choice holds for the next invitation too, and a guest without an address
-- by the invitation ('guest:12').
CREATE FUNCTION opt_out_subject(p_person_key text, p_email text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN split_part(p_person_key, ':', 1) = 'guest' AND p_email IS NOT NULL
            THEN 'email:' || encode(sha256(convert_to(lower(p_email), 'UTF8')), 'hex')
        ELSE p_person_key
    END
$$;

CREATE TABLE opt_out (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject text NOT NULL CONSTRAINT opt_out_subject_format CHECK (subject ~ '^(person|guest):[0-9]+$|^email:[0-9a-f]{64}$'),
    -- The kind of reminder, as the rule's kind: before sessions (with their notices), a
    -- decree's term ending, a province without a GTD.
    kind text NOT NULL CONSTRAINT opt_out_kind_valid CHECK (kind IN ('session', 'decree_expiry', 'no_task_force')),
    -- The reminder whose link was followed.
    reminder_id bigint NOT NULL REFERENCES reminder (id),
    opted_out_at timestamptz NOT NULL DEFAULT now(),
    undone_at timestamptz,
    CONSTRAINT opt_out_undone_after CHECK (undone_at IS NULL OR undone_at >= opted_out_at)
);

CREATE UNIQUE INDEX opt_out_once ON opt_out (subject, kind) WHERE undone_at IS NULL;

CREATE TRIGGER opt_out_audit AFTER UPDATE OR DELETE ON opt_out
    FOR EACH ROW EXECUTE FUNCTION audit_change('none');
CREATE TRIGGER opt_out_audit_insert AFTER INSERT ON opt_out REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_insert('none');

-- Why a reminder must not go to its person at all, or NULL: their data was erased, or they
-- opted out of this kind. Checked by the worker for every claim, so it holds for reminders
-- planned before the erasure or the opt-out.
CREATE FUNCTION reminder_blocked(p_person_key text, p_email text, p_kind text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN split_part(p_person_key, ':', 1) = 'person' AND EXISTS (
            SELECT 1 FROM person WHERE id = split_part(p_person_key, ':', 2)::bigint AND erased_at IS NOT NULL) THEN 'erased'
        WHEN split_part(p_person_key, ':', 1) = 'guest' AND EXISTS (
            SELECT 1 FROM participant WHERE id = split_part(p_person_key, ':', 2)::bigint AND erased_at IS NOT NULL) THEN 'erased'
        WHEN EXISTS (
            SELECT 1 FROM opt_out o
            WHERE o.subject = opt_out_subject(p_person_key, p_email) AND o.kind = p_kind AND o.undone_at IS NULL) THEN 'opted out'
    END
$$;

-- The key that signs opt-out links, made here from PostgreSQL's strong random source
-- (gen_random_uuid: 122 random bits each), so every process of a deployment signs alike.
CREATE TABLE link_key (
    id smallint PRIMARY KEY DEFAULT 1 CONSTRAINT link_key_single CHECK (id = 1),
    secret bytea NOT NULL CONSTRAINT link_key_long_enough CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO link_key (secret)
SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');

-- Planning leaves erased people out: a skipped reminder whose time is still ahead would
-- otherwise come back at the next change of the session.
CREATE OR REPLACE FUNCTION session_audience(p_session bigint, p_audience text, p_due timestamptz)
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
      AND p.erased_at IS NULL AND pe.erased_at IS NULL
    UNION ALL
    SELECT 'person:' || m.person_id, 'membership:' || m.id, pe.name, pe.email, pe.language, 1
    FROM outreach_session s
    JOIN membership m ON m.task_force_id = s.task_force_id
    JOIN person pe ON pe.id = m.person_id
    WHERE p_audience = 'members' AND s.id = p_session
      AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
      AND (m.valid_until IS NULL OR m.valid_until >= (s.starts_at AT TIME ZONE s.time_zone)::date)
      AND pe.erased_at IS NULL
$$;

-- Retention finds ended memberships and past sessions by person and by guest address.
CREATE INDEX participant_guest_email_idx ON participant (lower(email)) WHERE membership_id IS NULL AND email IS NOT NULL;
CREATE INDEX reminder_person_idx ON reminder (person_key) WHERE person_key IS NOT NULL;
