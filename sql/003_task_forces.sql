-- Programme periods, institutions, people, task forces, decrees and their documents.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A programme cycle of Stranas BHAM. The first ran 2023–2025; the next is data, not code.
CREATE TABLE programme_period (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CONSTRAINT programme_period_name_present CHECK (btrim(name) <> ''),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    CONSTRAINT programme_period_order CHECK (ends_on >= starts_on)
);

-- Perpres 60/2023 was signed on 26 September 2023.
INSERT INTO programme_period (name, starts_on, ends_on) VALUES ('Stranas BHAM 2023–2025', '2023-09-26', '2025-12-31');

-- Ministries are renamed (Kemenkumham became Kementerian HAM in 2025): an institution is a
-- row that can point to its successor, never an enum.
CREATE TABLE institution (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT institution_name_present CHECK (btrim(name) <> ''),
    kind text NOT NULL CONSTRAINT institution_kind_valid CHECK (kind IN (
        'ministry', 'provincial_agency', 'regional_office', 'company', 'business_association',
        'civil_society', 'academia', 'other')),
    region_code text REFERENCES region (code),
    successor_id bigint REFERENCES institution (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX institution_name_key ON institution (lower(btrim(name)), coalesce(region_code, ''));

-- People. Only what coordination needs (UU PDP): no national ID numbers.
CREATE TABLE person (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT person_name_present CHECK (btrim(name) <> ''),
    email text CONSTRAINT person_email_valid CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    -- E.164, as the application normalises it (+62…).
    phone text CONSTRAINT person_phone_valid CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    language text NOT NULL DEFAULT 'id' CONSTRAINT person_language_valid CHECK (language IN ('id', 'en')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX person_email_key ON person (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX person_name_idx ON person (lower(btrim(name)));

-- The national task force (GTN) and one per region (GTD).
CREATE TABLE task_force (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    level text NOT NULL CONSTRAINT task_force_level_valid CHECK (level IN ('national', 'regional')),
    region_code text CONSTRAINT task_force_region_key UNIQUE REFERENCES region (code),
    name text NOT NULL CONSTRAINT task_force_name_present CHECK (btrim(name) <> ''),
    period_id bigint NOT NULL REFERENCES programme_period (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_force_region_by_level CHECK ((level = 'national') = (region_code IS NULL))
);

CREATE UNIQUE INDEX task_force_one_national ON task_force (level) WHERE level = 'national';

-- Decree documents, stored once per content (SHA-256).
CREATE TABLE document (
    sha256 text PRIMARY KEY CONSTRAINT document_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL,
    file_name text,
    media_type text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT document_sha256_matches CHECK (encode(sha256(content), 'hex') = sha256)
);

-- Keputusan: governor, ministerial, regent or mayor decrees.
--
-- A decree is in force from its effective date until the end of its term, or until a later
-- decree revokes it (then `revoked_on` is that decree's effective date). At most one
-- establishing decree (one that amends nothing) is in force per task force on any day: the
-- exclusion constraint says so.
CREATE TABLE decree (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_force_id bigint NOT NULL REFERENCES task_force (id),
    kind text NOT NULL CONSTRAINT decree_kind_valid CHECK (kind IN ('governor', 'ministerial', 'regent', 'mayor')),
    -- The issuing region: the task force's, or NULL for a national (ministerial) decree.
    issuing_region_code text REFERENCES region (code),
    -- Free text, as written ("180/173 Tahun 2023"): never parsed.
    number text NOT NULL CONSTRAINT decree_number_present CHECK (btrim(number) <> ''),
    title text NOT NULL CONSTRAINT decree_title_present CHECK (btrim(title) <> ''),
    place text,
    signed_on date NOT NULL,
    signed_year integer NOT NULL GENERATED ALWAYS AS (extract(year FROM signed_on)::integer) STORED,
    effective_from date NOT NULL,
    effective_until date,
    signer_name text NOT NULL CONSTRAINT decree_signer_present CHECK (btrim(signer_name) <> ''),
    signer_title text,
    -- "Pj. Gubernur": signed by an acting official.
    signer_acting boolean NOT NULL DEFAULT false,
    inaugurated_on date,
    amends_id bigint,
    revokes_id bigint,
    revoked_on date,
    document_sha256 text REFERENCES document (sha256),
    created_at timestamptz NOT NULL DEFAULT now(),
    in_force daterange NOT NULL GENERATED ALWAYS AS (
        daterange(effective_from, least(effective_until + 1, revoked_on), '[)')) STORED,
    CONSTRAINT decree_id_task_force_key UNIQUE (id, task_force_id),
    -- Amending or revoking links stay within one task force.
    CONSTRAINT decree_amends_same_task_force FOREIGN KEY (amends_id, task_force_id) REFERENCES decree (id, task_force_id),
    CONSTRAINT decree_revokes_same_task_force FOREIGN KEY (revokes_id, task_force_id) REFERENCES decree (id, task_force_id),
    CONSTRAINT decree_term_order CHECK (effective_until IS NULL OR effective_until >= effective_from),
    CONSTRAINT decree_amends_or_revokes CHECK (amends_id IS NULL OR revokes_id IS NULL),
    CONSTRAINT decree_revoked_after_start CHECK (revoked_on IS NULL OR revoked_on >= effective_from),
    CONSTRAINT decree_one_in_force EXCLUDE USING gist (task_force_id WITH =, in_force WITH &&) WHERE (amends_id IS NULL)
);

CREATE UNIQUE INDEX decree_number_key ON decree (kind, coalesce(issuing_region_code, ''), signed_year, lower(btrim(number)));
CREATE INDEX decree_task_force_idx ON decree (task_force_id, effective_from);

CREATE TRIGGER task_force_audit AFTER INSERT OR UPDATE OR DELETE ON task_force
    FOR EACH ROW EXECUTE FUNCTION audit_change('self');
CREATE TRIGGER decree_audit AFTER INSERT OR UPDATE OR DELETE ON decree
    FOR EACH ROW EXECUTE FUNCTION audit_change('column');
CREATE TRIGGER person_audit AFTER INSERT OR UPDATE OR DELETE ON person
    FOR EACH ROW EXECUTE FUNCTION audit_change('none');
CREATE TRIGGER institution_audit AFTER INSERT OR UPDATE OR DELETE ON institution
    FOR EACH ROW EXECUTE FUNCTION audit_change('none');
