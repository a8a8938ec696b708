-- 0001 foundation: agencies, users and sessions, minimal officers and 执法事项,
-- and the audit trail. Written in the portable subset (sql/pg/0001 mirrors it).
--
-- Conventions (docs/conventions.md): ids are ULIDs (TEXT); times are fixed-width
-- UTC text "YYYY-MM-DDTHH:MM:SS.ffffffZ" so text order is time order; rows are
-- never deleted (deactivated, disabled, revoked instead); every row says who
-- created it.

CREATE TABLE agency (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL UNIQUE,      -- 统一社会信用代码, GB 32100 check char validated by the service
    level         TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    region_code   TEXT NOT NULL,             -- GB/T 2260
    parent_id     TEXT REFERENCES agency(id),
    is_justice_bureau INTEGER NOT NULL DEFAULT 0 CHECK (is_justice_bureau IN (0, 1)), -- 司法局: supervises its region
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

-- Sessions are kept after logout and expiry (revoked_at set): who was signed in
-- when is part of the audit trail. Only the SHA-256 of the token is stored, so
-- a copy of the database does not hand out live sessions.
CREATE TABLE user_session (
    token_hash    TEXT PRIMARY KEY,          -- hex SHA-256 of the cookie token
    user_id       TEXT NOT NULL REFERENCES app_user(id),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,             -- absolute limit
    revoked_at    TEXT,                      -- NULL = live
    remote_addr   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX user_session_user ON user_session(user_id);

-- Failed logins per username (known or not, so that throttling does not reveal
-- which usernames exist). Reset on success.
CREATE TABLE login_throttle (
    username        TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    blocked_until   TEXT NOT NULL            -- no attempt is checked before this time
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

-- Every change made through the service layer, attributable to a person.
CREATE TABLE audit_event (
    id            TEXT PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_id      TEXT NOT NULL,             -- user id, or 'cli:<os user>' / 'system'
    action        TEXT NOT NULL,             -- e.g. 'user.create', 'session.login'
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_object ON audit_event(object_type, object_id);

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'append_only: audit_event');
END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN
    SELECT RAISE(ABORT, 'append_only: audit_event');
END;
