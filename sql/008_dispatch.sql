-- What a dispatch worker checks just before sending: is the reminder still true?

-- Whether a session reminder's recipient is still in the rule's audience.
CREATE FUNCTION reminder_recipient_current(p_session bigint, p_audience text, p_key text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE split_part(p_key, ':', 1)
        WHEN 'participant' THEN EXISTS (
            SELECT 1 FROM participant p
            WHERE p.id = split_part(p_key, ':', 2)::bigint AND p.session_id = p_session
              AND p.registration IN ('invited', 'registered')
              AND p_audience IN ('participants', 'organizers') AND (p_audience <> 'organizers' OR p.role = 'organizer'))
        WHEN 'membership' THEN EXISTS (
            SELECT 1 FROM membership m JOIN outreach_session s ON s.id = p_session
            WHERE m.id = split_part(p_key, ':', 2)::bigint AND m.task_force_id = s.task_force_id AND p_audience = 'members'
              AND m.valid_from <= (s.starts_at AT TIME ZONE s.time_zone)::date
              AND (m.valid_until IS NULL OR m.valid_until >= (s.starts_at AT TIME ZONE s.time_zone)::date))
        ELSE false
    END
$$;

-- Whether a compliance reminder's condition still holds today, and its recipient still
-- holds the role it was planned for.
CREATE FUNCTION reminder_condition_holds(p_rule bigint, p_decree bigint, p_region text, p_key text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE r.kind
        WHEN 'decree_expiry' THEN EXISTS (
            SELECT 1 FROM decree d
            JOIN task_force t ON t.id = d.task_force_id
            JOIN region rg ON rg.code = t.region_code
            JOIN membership m ON m.id = split_part(p_key, ':', 2)::bigint AND m.task_force_id = d.task_force_id
                AND m.role IN ('ketua', 'sekretaris')
                AND (m.valid_until IS NULL OR m.valid_until >= (now() AT TIME ZONE rg.time_zone)::date)
            WHERE d.id = p_decree AND d.in_force @> (now() AT TIME ZONE rg.time_zone)::date
              AND upper(d.in_force) - 1 - (now() AT TIME ZONE rg.time_zone)::date <= r.days_before)
        WHEN 'no_task_force' THEN NOT EXISTS (
            SELECT 1 FROM task_force t JOIN region rg ON rg.code = t.region_code
            JOIN decree d ON d.task_force_id = t.id AND d.amends_id IS NULL
            WHERE t.region_code = p_region AND d.in_force @> (now() AT TIME ZONE rg.time_zone)::date)
            AND EXISTS (SELECT 1 FROM membership m WHERE m.id = split_part(p_key, ':', 2)::bigint
                        AND (m.valid_until IS NULL OR m.valid_until >= (now() AT TIME ZONE 'Asia/Jakarta')::date))
        ELSE true
    END
    FROM reminder_rule r WHERE r.id = p_rule
$$;

-- Lease expiries are wake-up times too: a dead worker's reminders are rescued when they pass.
CREATE INDEX reminder_lease_idx ON reminder (lease_until) WHERE status IN ('pending', 'failed') AND lease_until IS NOT NULL;
