-- Status reads what holds now, and its cost should follow that, not the history a task force
-- has accumulated. In make bench (status), ten years of past terms made the national status
-- nine times slower: it counted every membership ever held and every reminder ever sent.
--
-- Memberships current on a date are found by their last day (open ones last forever), with
-- the role and first day in the index, so counting them reads the index alone. It replaces
-- the index by first day, which the planner preferred for status although every past
-- membership also started before today; lookups by task force alone use either.
DROP INDEX membership_task_force_idx;
CREATE INDEX membership_task_force_idx ON membership (task_force_id, (coalesce(valid_until, 'infinity'::date)))
    INCLUDE (valid_from, role);

-- Reminders are counted for the programme period, as sessions are, found by due time; the
-- index replaces the one by status, which the reminder list's filters are served by as well.
DROP INDEX reminder_task_force_idx;
CREATE INDEX reminder_task_force_idx ON reminder (task_force_id, due_at) INCLUDE (status);
