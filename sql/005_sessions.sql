-- Outreach sessions (sosialisasi, bimtek, workshop, rakor, FGD, pendampingan) and their
-- participants.

-- Whether a name is an IANA zone PostgreSQL knows. Declared immutable so a CHECK can use
-- it: the zone database does not change under a running cluster in a way that matters here.
CREATE FUNCTION is_time_zone(zone text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE zone;
    RETURN zone ~ '^[A-Za-z]+(/[A-Za-z0-9_+-]+)*$';
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END;
$$;

CREATE TABLE outreach_session (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_force_id bigint NOT NULL REFERENCES task_force (id),
    title text NOT NULL CONSTRAINT session_title_present CHECK (btrim(title) <> ''),
    format text NOT NULL DEFAULT 'sosialisasi' CONSTRAINT session_format_valid
        CHECK (format IN ('sosialisasi', 'bimtek', 'workshop', 'rakor', 'fgd', 'pendampingan')),
    mode text NOT NULL DEFAULT 'luring' CONSTRAINT session_mode_valid CHECK (mode IN ('luring', 'daring', 'hybrid')),
    venue text CONSTRAINT session_venue_present CHECK (btrim(venue) <> ''),
    online_url text CONSTRAINT session_url_valid CHECK (online_url ~ '^https?://[^[:space:]]+$'),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    -- The zone it was planned in: the task force's by default.
    time_zone text NOT NULL CONSTRAINT session_time_zone_valid CHECK (is_time_zone(time_zone)),
    audiences text[] NOT NULL DEFAULT '{}' CONSTRAINT session_audiences_valid CHECK (audiences <@ ARRAY[
        'gtd_members', 'provincial_agencies', 'companies', 'business_associations', 'legal_aid', 'academia',
        'civil_society', 'public']::text[]),
    capacity integer CONSTRAINT session_capacity_positive CHECK (capacity > 0),
    status text NOT NULL DEFAULT 'scheduled' CONSTRAINT session_status_valid CHECK (status IN ('scheduled', 'cancelled', 'completed')),
    cancel_reason text,
    notes text,
    outcome text,
    -- Grows with every change of time, place or status (trigger below): reminders and
    -- calendar SEQUENCE numbers follow it.
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT session_ends_after_start CHECK (ends_at > starts_at),
    CONSTRAINT session_url_when_online CHECK (mode = 'luring' OR online_url IS NOT NULL),
    CONSTRAINT session_venue_when_in_person CHECK (mode = 'daring' OR venue IS NOT NULL)
);

CREATE INDEX session_task_force_idx ON outreach_session (task_force_id, starts_at);
CREATE INDEX session_scheduled_idx ON outreach_session (starts_at) WHERE status = 'scheduled';

CREATE FUNCTION session_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version;
    IF (NEW.starts_at, NEW.ends_at, NEW.time_zone, NEW.mode, NEW.venue, NEW.online_url, NEW.status)
        IS DISTINCT FROM (OLD.starts_at, OLD.ends_at, OLD.time_zone, OLD.mode, OLD.venue, OLD.online_url, OLD.status) THEN
        NEW.version := OLD.version + 1;
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER session_version BEFORE UPDATE ON outreach_session
    FOR EACH ROW EXECUTE FUNCTION session_bump_version();
CREATE TRIGGER session_audit AFTER INSERT OR UPDATE OR DELETE ON outreach_session
    FOR EACH ROW EXECUTE FUNCTION audit_change('column');

CREATE TABLE participant (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id bigint NOT NULL REFERENCES outreach_session (id),
    -- A member of the task force, or an outside invitee with a name of their own.
    membership_id bigint REFERENCES membership (id),
    name text,
    email text CONSTRAINT participant_email_valid CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    organisation text,
    language text NOT NULL DEFAULT 'id' CONSTRAINT participant_language_valid CHECK (language IN ('id', 'en')),
    role text NOT NULL DEFAULT 'attendee' CONSTRAINT participant_role_valid CHECK (role IN ('organizer', 'speaker', 'attendee')),
    registration text NOT NULL DEFAULT 'invited' CONSTRAINT participant_registration_valid
        CHECK (registration IN ('invited', 'registered', 'declined', 'cancelled')),
    attended boolean NOT NULL DEFAULT false,
    checked_in_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participant_member_or_named CHECK (membership_id IS NOT NULL OR btrim(name) <> ''),
    CONSTRAINT participant_check_in_when_attended CHECK (NOT attended OR checked_in_at IS NOT NULL)
);

CREATE UNIQUE INDEX participant_member_once ON participant (session_id, membership_id) WHERE membership_id IS NOT NULL;
CREATE UNIQUE INDEX participant_email_once ON participant (session_id, lower(email)) WHERE membership_id IS NULL AND email IS NOT NULL;
CREATE INDEX participant_session_idx ON participant (session_id);
CREATE INDEX participant_membership_idx ON participant (membership_id) WHERE membership_id IS NOT NULL;

-- Capacity counts the invited and registered. The session row is locked first, so
-- invitations arriving at once are counted one after another and never overshoot.
CREATE FUNCTION participant_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    session outreach_session%ROWTYPE;
    taken integer;
BEGIN
    SELECT * INTO session FROM outreach_session WHERE id = NEW.session_id FOR UPDATE;
    IF TG_OP = 'UPDATE' AND NEW.attended AND NOT OLD.attended AND session.status = 'cancelled' THEN
        RAISE EXCEPTION 'session % (%) was cancelled; attendance cannot be recorded for it', session.id, session.title
            USING ERRCODE = 'GG102';
    END IF;
    IF NEW.registration IN ('invited', 'registered')
       AND (TG_OP = 'INSERT' OR OLD.registration NOT IN ('invited', 'registered')) THEN
        IF session.status <> 'scheduled' THEN
            RAISE EXCEPTION 'session % (%) is %; invitations are closed', session.id, session.title, session.status
                USING ERRCODE = 'GG103';
        END IF;
        IF session.capacity IS NOT NULL THEN
            SELECT count(*) INTO taken FROM participant
            WHERE session_id = NEW.session_id AND registration IN ('invited', 'registered') AND id <> NEW.id;
            IF taken >= session.capacity THEN
                RAISE EXCEPTION 'session % (%) is full: % of % places taken', session.id, session.title, taken, session.capacity
                    USING ERRCODE = 'GG101', HINT = 'raise the capacity with `gugus session reschedule`, or cancel another invitation';
            END IF;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER participant_guard BEFORE INSERT OR UPDATE ON participant
    FOR EACH ROW EXECUTE FUNCTION participant_guard();
CREATE TRIGGER participant_audit AFTER INSERT OR UPDATE OR DELETE ON participant
    FOR EACH ROW EXECUTE FUNCTION audit_change('session');
