-- Inserts are audited once per statement, from the statement's transition table, instead of
-- once per row.
--
-- A member import inserts thousands of people and memberships in one statement each; a
-- row-level PL/pgSQL trigger costs a function call and a one-row INSERT into audit_log per
-- row, which was a third of the import's time (make bench, import). The entries are the same
-- as before: one per inserted row, in the row's order, with the same actor, action, entity,
-- task force and `after`. Updates and deletes stay row-level (audit_change), where OLD and
-- NEW come paired.

CREATE FUNCTION audit_insert() RETURNS trigger
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
    SELECT actor, action, 'insert', TG_TABLE_NAME, x.subject ->> 'id',
           CASE TG_ARGV[0]
               WHEN 'self' THEN (x.subject ->> 'id')::bigint
               WHEN 'column' THEN (x.subject ->> 'task_force_id')::bigint
               WHEN 'session' THEN (SELECT s.task_force_id FROM outreach_session s WHERE s.id = (x.subject ->> 'session_id')::bigint)
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
            ('task_force', 'task_force_audit', 'self'),
            ('decree', 'decree_audit', 'column'),
            ('person', 'person_audit', 'none'),
            ('institution', 'institution_audit', 'none'),
            ('membership', 'membership_audit', 'column'),
            ('outreach_session', 'session_audit', 'column'),
            ('participant', 'participant_audit', 'session'),
            ('reminder_rule', 'reminder_rule_audit', 'column'),
            ('api_token', 'api_token_audit', 'none')
        ) AS t(table_name, trigger_name, task_force_from)
    LOOP
        -- The row-level trigger keeps updates and deletes, with the same argument.
        EXECUTE format('DROP TRIGGER %I ON %I', audited.trigger_name, audited.table_name);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_change(%L)',
                       audited.trigger_name, audited.table_name, audited.task_force_from);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION audit_insert(%L)',
                       audited.trigger_name || '_insert', audited.table_name, audited.task_force_from);
    END LOOP;
END;
$$;
