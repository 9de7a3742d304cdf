-- Memberships: who sits on a task force, in which role, appointed by which decree, when.
--
-- Ending a membership sets `valid_until` (the last day, inclusive) and keeps the row.

CREATE TABLE membership (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_force_id bigint NOT NULL REFERENCES task_force (id),
    person_id bigint NOT NULL REFERENCES person (id),
    institution_id bigint NOT NULL REFERENCES institution (id),
    -- Jabatan: the position title, as in the decree.
    position text NOT NULL CONSTRAINT membership_position_present CHECK (btrim(position) <> ''),
    role text NOT NULL CONSTRAINT membership_role_valid
        CHECK (role IN ('ketua', 'wakil_ketua', 'sekretaris', 'wakil_sekretaris', 'anggota')),
    -- Pokja: one working group per strategy of Stranas BHAM.
    working_group smallint CONSTRAINT membership_working_group_valid CHECK (working_group BETWEEN 1 AND 3),
    decree_id bigint,
    valid_from date NOT NULL,
    valid_until date,
    end_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    term daterange NOT NULL GENERATED ALWAYS AS (daterange(valid_from, valid_until + 1, '[)')) STORED,
    -- The appointing decree must be one of this task force's own.
    CONSTRAINT membership_decree_same_task_force FOREIGN KEY (decree_id, task_force_id) REFERENCES decree (id, task_force_id),
    CONSTRAINT membership_term_order CHECK (valid_until IS NULL OR valid_until >= valid_from),
    CONSTRAINT membership_end_reason_needs_end CHECK (end_reason IS NULL OR valid_until IS NOT NULL),
    -- One chair and one secretary at a time.
    CONSTRAINT membership_one_ketua EXCLUDE USING gist (task_force_id WITH =, term WITH &&) WHERE (role = 'ketua'),
    CONSTRAINT membership_one_sekretaris EXCLUDE USING gist (task_force_id WITH =, term WITH &&) WHERE (role = 'sekretaris'),
    -- A person sits once on a task force at any time.
    CONSTRAINT membership_person_once EXCLUDE USING gist (task_force_id WITH =, person_id WITH =, term WITH &&)
);

CREATE INDEX membership_task_force_idx ON membership (task_force_id, valid_from);
CREATE INDEX membership_person_idx ON membership (person_id);
CREATE INDEX membership_decree_idx ON membership (decree_id) WHERE decree_id IS NOT NULL;

CREATE TRIGGER membership_audit AFTER INSERT OR UPDATE OR DELETE ON membership
    FOR EACH ROW EXECUTE FUNCTION audit_change('column');
