-- Due reminders are claimed in due order and, among those due at the same moment, in the
-- order they were planned: a session's reminders then go out together, so a worker renders
-- their message once (make bench, dispatch), and the order is the same on every run.
DROP INDEX reminder_due_idx;
CREATE INDEX reminder_due_idx ON reminder (not_before, id) WHERE status IN ('pending', 'failed');
