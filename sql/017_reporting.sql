-- Aksi BHAM reporting: a programme's actions and reporting periods, one report per task
-- force and period with an entry per assigned action, evidence, extensions and review.
--
-- Actions and periods are data, loaded by an admin (SAPA-HAM's exact fields are not public,
-- domain.md). A programme is a `programme_period` row (Stranas BHAM 2023–2025, and its
-- successor). Entries exist only once something is written for them: a report shows every
-- action assigned to its task force, and the rows here are what has been said about them.
-- The rules that keep a report honest live here as constraints and triggers, so that no code
-- path can edit a submitted report or skip a step of the review.

-- GTN staff who review every province's reports and edit none.
ALTER TABLE api_token DROP CONSTRAINT api_token_role_valid,
    ADD CONSTRAINT api_token_role_valid CHECK (role IN ('admin', 'coordinator', 'reviewer', 'viewer'));
ALTER TABLE account DROP CONSTRAINT account_role_valid,
    ADD CONSTRAINT account_role_valid CHECK (role IN ('admin', 'coordinator', 'reviewer', 'viewer'));

CREATE TABLE report_action (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id bigint NOT NULL REFERENCES programme_period (id),
    code text NOT NULL CONSTRAINT report_action_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$'),
    title text NOT NULL CONSTRAINT report_action_title_present CHECK (btrim(title) <> ''),
    strategy smallint NOT NULL CONSTRAINT report_action_strategy_valid CHECK (strategy BETWEEN 1 AND 3),
    indicator text NOT NULL CONSTRAINT report_action_indicator_present CHECK (btrim(indicator) <> ''),
    -- An indicator with a number has a unit and a target; one without has neither.
    unit text CONSTRAINT report_action_unit_present CHECK (btrim(unit) <> ''),
    target numeric CONSTRAINT report_action_target_non_negative CHECK (target >= 0),
    -- 'all' GTDs of the provinces, the 'national' task force, or the 'regions' listed below.
    assigned text NOT NULL CONSTRAINT report_action_assigned_valid CHECK (assigned IN ('all', 'national', 'regions')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_action_code_key UNIQUE (programme_id, code),
    CONSTRAINT report_action_target_has_unit CHECK (target IS NULL OR unit IS NOT NULL)
);

CREATE TABLE report_action_region (
    action_id bigint NOT NULL REFERENCES report_action (id) ON DELETE CASCADE,
    region_code text NOT NULL REFERENCES region (code),
    PRIMARY KEY (action_id, region_code)
);

CREATE INDEX report_action_region_region_idx ON report_action_region (region_code);

CREATE TABLE report_period (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    programme_id bigint NOT NULL REFERENCES programme_period (id),
    name text NOT NULL CONSTRAINT report_period_name_key UNIQUE
        CONSTRAINT report_period_name_present CHECK (btrim(name) <> ''),
    -- RANHAM's four-monthly cycle (B04, B08, B12) or the annual window; a programme may
    -- switch between years.
    kind text NOT NULL CONSTRAINT report_period_kind_valid CHECK (kind IN ('annual', 'four_monthly')),
    opens_on date NOT NULL,
    -- The period closes at 23:59 of this date in each reporting region's zone.
    closes_on date NOT NULL,
    -- The activity a report covers: sessions held in these days are proposed as evidence.
    covers_from date NOT NULL,
    covers_until date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_period_window_order CHECK (closes_on >= opens_on),
    CONSTRAINT report_period_cover_order CHECK (covers_until >= covers_from)
);

-- An extension of a period, for every region (region_code NULL) or for one. Extending again
-- changes the date, with the reason, and the audit log keeps the earlier one.
CREATE TABLE report_extension (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id bigint NOT NULL REFERENCES report_period (id),
    region_code text REFERENCES region (code),
    until_on date NOT NULL,
    reason text NOT NULL CONSTRAINT report_extension_reason_present CHECK (btrim(reason) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX report_extension_key ON report_extension (period_id, coalesce(region_code, ''));

-- The instant a region's report is due: the first moment after 23:59 of the last day, in
-- the region's zone (the national task force reports in WIB). The later of the period's own
-- extension and the region's counts.
CREATE FUNCTION report_deadline(period bigint, region text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT ((greatest(p.closes_on,
                      (SELECT max(e.until_on) FROM report_extension e
                       WHERE e.period_id = p.id AND (e.region_code IS NULL OR e.region_code = region)))
             + 1)::timestamp)
           AT TIME ZONE coalesce((SELECT r.time_zone FROM region r WHERE r.code = region), 'Asia/Jakarta')
    FROM report_period p WHERE p.id = period
$$;

CREATE TABLE report (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_force_id bigint NOT NULL REFERENCES task_force (id),
    period_id bigint NOT NULL REFERENCES report_period (id),
    state text NOT NULL DEFAULT 'draft'
        CONSTRAINT report_state_valid CHECK (state IN ('draft', 'submitted', 'returned', 'verified')),
    submitted_at timestamptz,
    submitted_by text,
    -- The reporter's covering note, sent with the submission.
    submission_note text CONSTRAINT report_submission_note_present CHECK (btrim(submission_note) <> ''),
    reviewed_at timestamptz,
    reviewed_by text,
    review_note text CONSTRAINT report_review_note_present CHECK (btrim(review_note) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_one_per_period UNIQUE (task_force_id, period_id),
    CONSTRAINT report_submitted_has_time CHECK (state NOT IN ('submitted', 'verified') OR submitted_at IS NOT NULL),
    CONSTRAINT report_reviewed_has_time CHECK (state NOT IN ('returned', 'verified') OR reviewed_at IS NOT NULL)
);

CREATE INDEX report_period_idx ON report (period_id, state);

CREATE TABLE report_entry (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id bigint NOT NULL REFERENCES report (id),
    action_id bigint NOT NULL REFERENCES report_action (id),
    -- Capaian: what was achieved, in words, and a number against the action's target.
    achievement text CONSTRAINT report_entry_achievement_present CHECK (btrim(achievement) <> ''),
    value numeric CONSTRAINT report_entry_value_non_negative CHECK (value >= 0),
    progress text NOT NULL DEFAULT 'not_started'
        CONSTRAINT report_entry_progress_valid CHECK (progress IN ('not_started', 'in_progress', 'done')),
    -- The regencies and cities that sent input for this entry (a province's report).
    inputs_from text[] NOT NULL DEFAULT '{}',
    -- The reviewer's part: a note (why it was returned) and a score 0–100.
    review_note text CONSTRAINT report_entry_review_note_present CHECK (btrim(review_note) <> ''),
    score smallint CONSTRAINT report_entry_score_range CHECK (score BETWEEN 0 AND 100),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_entry_one_per_action UNIQUE (report_id, action_id),
    CONSTRAINT report_entry_report_key UNIQUE (report_id, id)
);

-- Bukti dukung: a file (kept in `document`, so a backup of the database holds it), a link,
-- or one of Gugus's own completed sessions, whose attendance list is the evidence.
CREATE TABLE report_evidence (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    kind text NOT NULL CONSTRAINT report_evidence_kind_valid CHECK (kind IN ('file', 'link', 'session')),
    document_sha256 text REFERENCES document (sha256),
    file_name text,
    media_type text,
    size_bytes integer CONSTRAINT report_evidence_size_positive CHECK (size_bytes > 0),
    url text CONSTRAINT report_evidence_url_web CHECK (url ~ '^https?://[^[:space:]]+$'),
    session_id bigint REFERENCES outreach_session (id),
    description text CONSTRAINT report_evidence_description_present CHECK (btrim(description) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (report_id, entry_id) REFERENCES report_entry (report_id, id),
    CONSTRAINT report_evidence_shape CHECK (CASE kind
        WHEN 'file' THEN document_sha256 IS NOT NULL AND file_name IS NOT NULL AND media_type IS NOT NULL
                         AND size_bytes IS NOT NULL AND url IS NULL AND session_id IS NULL
        WHEN 'link' THEN url IS NOT NULL AND document_sha256 IS NULL AND session_id IS NULL
        ELSE session_id IS NOT NULL AND document_sha256 IS NULL AND url IS NULL
    END)
);

CREATE INDEX report_evidence_entry_idx ON report_evidence (entry_id);
CREATE UNIQUE INDEX report_evidence_session_once ON report_evidence (entry_id, session_id) WHERE session_id IS NOT NULL;

-- A proposed session that the coordinator removed from an entry: it is not proposed again.
CREATE TABLE report_dismissed_session (
    report_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    session_id bigint NOT NULL REFERENCES outreach_session (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, session_id),
    FOREIGN KEY (report_id, entry_id) REFERENCES report_entry (report_id, id)
);

-- The review's steps: draft → submitted → returned → submitted … → verified. Anything else
-- (editing a verified report back to a draft, verifying a draft) is refused here.
CREATE FUNCTION report_state_step() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT (
        (OLD.state IN ('draft', 'returned') AND NEW.state = 'submitted')
        OR (OLD.state = 'submitted' AND NEW.state IN ('returned', 'verified'))) THEN
        RAISE EXCEPTION 'a report goes from % to submitted, returned or verified in order, not to %', OLD.state, NEW.state
            USING ERRCODE = 'GG010';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER report_state_step BEFORE UPDATE OF state ON report
    FOR EACH ROW EXECUTE FUNCTION report_state_step();

-- A submitted or verified report is locked: its entries and evidence do not change, except
-- the reviewer's note and score on an entry of a submitted report.
CREATE FUNCTION report_locked_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    subject record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    report_state text;
BEGIN
    SELECT state INTO report_state FROM report WHERE id = subject.report_id;
    IF report_state IN ('submitted', 'verified') THEN
        IF TG_TABLE_NAME = 'report_entry' AND TG_OP = 'UPDATE' AND report_state = 'submitted'
           AND (to_jsonb(OLD) - '{review_note,score,updated_at}'::text[]) = (to_jsonb(NEW) - '{review_note,score,updated_at}'::text[]) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'report % is %: its entries and evidence are locked', subject.report_id, report_state
            USING ERRCODE = 'GG011';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

CREATE TRIGGER report_entry_locked BEFORE INSERT OR UPDATE OR DELETE ON report_entry
    FOR EACH ROW EXECUTE FUNCTION report_locked_guard();
CREATE TRIGGER report_evidence_locked BEFORE INSERT OR UPDATE OR DELETE ON report_evidence
    FOR EACH ROW EXECUTE FUNCTION report_locked_guard();
CREATE TRIGGER report_dismissed_locked BEFORE INSERT OR UPDATE OR DELETE ON report_dismissed_session
    FOR EACH ROW EXECUTE FUNCTION report_locked_guard();

-- The audit triggers learn one more way to find a row's task force: through its report.
-- (audit_insert keeps the CASE inline, as 009 wrote it: it runs once per imported row.)
CREATE FUNCTION audit_task_force(how text, subject jsonb) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT CASE how
        WHEN 'self' THEN (subject ->> 'id')::bigint
        WHEN 'column' THEN (subject ->> 'task_force_id')::bigint
        WHEN 'session' THEN (SELECT s.task_force_id FROM outreach_session s WHERE s.id = (subject ->> 'session_id')::bigint)
        WHEN 'report' THEN (SELECT r.task_force_id FROM report r WHERE r.id = (subject ->> 'report_id')::bigint)
    END
$$;

CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    actor text := nullif(current_setting('gugus.actor', true), '');
    action text := nullif(current_setting('gugus.action', true), '');
    old_row jsonb;
    new_row jsonb;
    subject jsonb;
BEGIN
    IF actor IS NULL THEN
        RAISE EXCEPTION 'a change to % needs an actor (set gugus.actor for the transaction)', TG_TABLE_NAME
            USING ERRCODE = 'GG000';
    END IF;
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW); END IF;
    -- Bookkeeping columns alone are not a change worth a log entry.
    IF TG_OP = 'UPDATE' AND old_row - '{updated_at,last_used_at}'::text[] = new_row - '{updated_at,last_used_at}'::text[] THEN
        RETURN NULL;
    END IF;
    subject := coalesce(new_row, old_row);
    INSERT INTO audit_log (actor, action, operation, entity, entity_id, task_force_id, before, after)
    VALUES (actor, coalesce(action, TG_TABLE_NAME || '.' || lower(TG_OP)), lower(TG_OP), TG_TABLE_NAME,
            coalesce(subject ->> 'id', subject ->> 'entry_id', subject ->> 'action_id'), audit_task_force(TG_ARGV[0], subject), old_row, new_row);
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION audit_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    actor text := nullif(current_setting('gugus.actor', true), '');
    action text := coalesce(nullif(current_setting('gugus.action', true), ''), TG_TABLE_NAME || '.insert');
BEGIN
    IF actor IS NULL AND EXISTS (SELECT 1 FROM new_rows) THEN
        RAISE EXCEPTION 'a change to % needs an actor (set gugus.actor for the transaction)', TG_TABLE_NAME
            USING ERRCODE = 'GG000';
    END IF;
    INSERT INTO audit_log (actor, action, operation, entity, entity_id, task_force_id, before, after)
    SELECT actor, action, 'insert', TG_TABLE_NAME, coalesce(x.subject ->> 'id', x.subject ->> 'entry_id', x.subject ->> 'action_id'),
           CASE TG_ARGV[0]
               WHEN 'self' THEN (x.subject ->> 'id')::bigint
               WHEN 'column' THEN (x.subject ->> 'task_force_id')::bigint
               WHEN 'session' THEN (SELECT s.task_force_id FROM outreach_session s WHERE s.id = (x.subject ->> 'session_id')::bigint)
               WHEN 'report' THEN (SELECT r.task_force_id FROM report r WHERE r.id = (x.subject ->> 'report_id')::bigint)
           END,
           NULL, x.subject
    FROM (SELECT to_jsonb(n) AS subject FROM new_rows n) x
    ORDER BY (x.subject ->> 'id')::bigint;
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    audited record;
BEGIN
    FOR audited IN
        SELECT * FROM (VALUES
            ('report_action', 'none'),
            ('report_action_region', 'none'),
            ('report_period', 'none'),
            ('report_extension', 'none'),
            ('report', 'column'),
            ('report_entry', 'report'),
            ('report_evidence', 'report'),
            ('report_dismissed_session', 'report')
        ) AS t(table_name, task_force_from)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_change(%L)',
                       audited.table_name || '_audit', audited.table_name, audited.task_force_from);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit_insert(%L)',
                       audited.table_name || '_audit_insert', audited.table_name, audited.task_force_from);
    END LOOP;
END;
$$;
