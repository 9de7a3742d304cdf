-- People who sign in to the portal, their one-time sign-in links and their sessions.
--
-- The same roles and region scope as API tokens (Caller). Only hashes of link and session
-- secrets are stored, so a copy of the database signs nobody in. Sessions live here, not in a
-- server's memory, so any number of servers share them.

CREATE TABLE account (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL CONSTRAINT account_email_valid CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    name text NOT NULL CONSTRAINT account_name_present CHECK (btrim(name) <> ''),
    role text NOT NULL CONSTRAINT account_role_valid CHECK (role IN ('admin', 'coordinator', 'viewer')),
    region_code text REFERENCES region (code),
    language text NOT NULL DEFAULT 'id' CONSTRAINT account_language_valid CHECK (language IN ('id', 'en')),
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    CONSTRAINT account_coordinator_has_region CHECK ((role = 'coordinator') = (region_code IS NOT NULL))
);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX account_email_key ON account (lower(email));

CREATE TRIGGER account_audit AFTER UPDATE OR DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION audit_change('none');
CREATE TRIGGER account_audit_insert AFTER INSERT ON account REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION audit_insert('none');

-- A one-time link: it works once, until it expires.
CREATE TABLE sign_in_link (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account (id),
    token_sha256 text NOT NULL UNIQUE CONSTRAINT sign_in_link_hash_format CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CONSTRAINT sign_in_link_expires_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX sign_in_link_account_idx ON sign_in_link (account_id);

-- Every request for a link, known address or not, for the rate limits (per address and per
-- client address). Kept a day.
CREATE TABLE sign_in_request (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL,
    client text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_request_email_idx ON sign_in_request (lower(email), at);
CREATE INDEX sign_in_request_client_idx ON sign_in_request (client, at);

-- A signed-in browser: the cookie holds the secret, this row its hash.
CREATE TABLE web_session (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account (id),
    secret_sha256 text NOT NULL UNIQUE CONSTRAINT web_session_hash_format CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
    -- The token every form of this session carries (not a credential on its own: it is
    -- checked together with the session cookie).
    csrf_token text NOT NULL CONSTRAINT web_session_csrf_present CHECK (length(csrf_token) >= 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz
);

CREATE INDEX web_session_account_idx ON web_session (account_id) WHERE ended_at IS NULL;
