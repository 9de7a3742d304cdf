-- The audit log: who changed what, when, with the row before and after.
--
-- Rows are written by triggers, in the same transaction as the change, so no code path can
-- change audited data without leaving a trace. The application names the actor for each
-- transaction with `SELECT set_config('gugus.actor', …, true)`; a change without an actor is
-- refused. `gugus.action` optionally names the user-level action ("member.end").

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL CONSTRAINT audit_log_actor_present CHECK (btrim(actor) <> ''),
    action text NOT NULL,
    operation text NOT NULL CONSTRAINT audit_log_operation_valid CHECK (operation IN ('insert', 'update', 'delete')),
    entity text NOT NULL,
    entity_id text NOT NULL,
    -- The task force the change belongs to, for "last activity" and regional scope. No
    -- foreign key: the log outlives nothing, but it must never block a change.
    task_force_id bigint,
    before jsonb,
    after jsonb
);

CREATE INDEX audit_log_task_force_idx ON audit_log (task_force_id, at DESC) WHERE task_force_id IS NOT NULL;
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- TG_ARGV[0] says how to find the row's task force: 'self' (the row is one), 'column'
-- (its task_force_id), 'session' (through its session_id), or 'none'.
CREATE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    actor text := nullif(current_setting('gugus.actor', true), '');
    action text := nullif(current_setting('gugus.action', true), '');
    old_row jsonb;
    new_row jsonb;
    subject jsonb;
    task_force bigint;
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
    task_force := CASE TG_ARGV[0]
        WHEN 'self' THEN (subject ->> 'id')::bigint
        WHEN 'column' THEN (subject ->> 'task_force_id')::bigint
        WHEN 'session' THEN (SELECT s.task_force_id FROM outreach_session s WHERE s.id = (subject ->> 'session_id')::bigint)
    END;
    INSERT INTO audit_log (actor, action, operation, entity, entity_id, task_force_id, before, after)
    VALUES (actor, coalesce(action, TG_TABLE_NAME || '.' || lower(TG_OP)), lower(TG_OP), TG_TABLE_NAME,
            subject ->> 'id', task_force, old_row, new_row);
    RETURN NULL;
END;
$$;
