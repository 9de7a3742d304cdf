-- API tokens. Only a SHA-256 of each token is stored; the token itself is shown once.

CREATE TABLE api_token (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL CONSTRAINT api_token_name_present CHECK (btrim(name) <> ''),
    role text NOT NULL CONSTRAINT api_token_role_valid CHECK (role IN ('admin', 'coordinator', 'viewer')),
    region_code text REFERENCES region (code),
    token_sha256 text NOT NULL UNIQUE CONSTRAINT api_token_hash_format CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    CONSTRAINT api_token_coordinator_has_region CHECK ((role = 'coordinator') = (region_code IS NOT NULL))
);

CREATE UNIQUE INDEX api_token_name_key ON api_token (lower(name)) WHERE revoked_at IS NULL;

CREATE TRIGGER api_token_audit AFTER INSERT OR UPDATE OR DELETE ON api_token
    FOR EACH ROW EXECUTE FUNCTION audit_change('none');
