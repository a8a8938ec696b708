-- 0001 foundation (PostgreSQL): mirrors sql/sqlite/0001_foundation.sql — same
-- tables, columns, constraints and indexes; read that file for what they mean.
-- Differences are only where the dialects differ (docs/postgresql.md):
--   * the append-only triggers call one plpgsql function, sx_append_only(),
--     which raises 'append_only: <table>' (SQLSTATE P0001); the driver maps it
--     to SX_EPERM "append_only" as it maps SQLite's RAISE(ABORT, …).
--   * 0/1 flags stay INTEGER (not boolean) so that the store's SQL and its
--     integer bindings are the same on both backends.

-- Refuses the statement that fired it. TG_ARGV[0], when given, names what is
-- refused (e.g. 'list_version decided'); otherwise the table's name.
CREATE FUNCTION sx_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append_only: %', COALESCE(TG_ARGV[0], TG_TABLE_NAME);
END;
$$;

CREATE TABLE agency (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL UNIQUE,      -- 统一社会信用代码
    level         TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    region_code   TEXT NOT NULL,             -- GB/T 2260
    parent_id     TEXT REFERENCES agency(id),
    is_justice_bureau INTEGER NOT NULL DEFAULT 0 CHECK (is_justice_bureau IN (0, 1)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE app_user (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    agency_id     TEXT NOT NULL REFERENCES agency(id),
    role          TEXT NOT NULL CHECK (role IN ('officer', 'unit_head', 'reviewer', 'agency_head', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,             -- argon2id PHC string
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_changed_at TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX app_user_agency ON app_user(agency_id);

CREATE TABLE user_session (
    token_hash    TEXT PRIMARY KEY,          -- hex SHA-256 of the cookie token
    user_id       TEXT NOT NULL REFERENCES app_user(id),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT,                      -- NULL = live
    remote_addr   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX user_session_user ON user_session(user_id);

CREATE TABLE login_throttle (
    username        TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    blocked_until   TEXT NOT NULL
);

CREATE TABLE officer (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agency(id),
    name          TEXT NOT NULL,
    cert_no       TEXT NOT NULL UNIQUE,      -- 执法证号
    cert_type     TEXT NOT NULL,
    field         TEXT NOT NULL,             -- 执法领域
    valid_from    TEXT NOT NULL,             -- calendar date YYYY-MM-DD
    valid_to      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    id_number     TEXT NOT NULL,             -- 身份证号: secret, never public
    user_id       TEXT REFERENCES app_user(id),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);
CREATE INDEX officer_agency ON officer(agency_id);

CREATE TABLE matter (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL REFERENCES agency(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    act_type      TEXT NOT NULL CHECK (act_type IN ('许可', '处罚', '强制', '征收', '收费', '检查', '确认', '裁决', '奖励', '其他')),
    legal_basis   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to  TEXT,                      -- NULL = open-ended
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    UNIQUE (agency_id, code, version)
);

CREATE TABLE audit_event (
    id            TEXT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      TEXT NOT NULL,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_object ON audit_event(object_type, object_id);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
-- SQLite has no TRUNCATE; here it would bypass the row triggers.
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
