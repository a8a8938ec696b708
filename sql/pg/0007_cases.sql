-- 0007 cases (PostgreSQL): mirrors sql/sqlite/0007_cases.sql — one case file
-- (一案一卷) per enforcement case with its stage history, text records, 文号
-- counters, evidence and uploads, recording exemptions, the 调阅 log and
-- installation settings (docs/cases.md). History rows are only inserted.

CREATE TABLE agency_case_settings (
    agency_id   TEXT PRIMARY KEY REFERENCES agency(id),
    doc_prefix  TEXT NOT NULL,          -- 文书简称 before the word of a 文号, e.g. 示市监
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE case_file (
    id                TEXT PRIMARY KEY,
    agency_id         TEXT NOT NULL REFERENCES agency(id),
    case_no           TEXT NOT NULL,         -- 案号, e.g. 示市监案〔2026〕3号
    kind              TEXT NOT NULL CHECK (kind IN ('penalty', 'inspection', 'coercion')),
    procedure         TEXT NOT NULL CHECK (procedure IN ('general', 'simple')),
    matter_code       TEXT NOT NULL,
    matter_name       TEXT NOT NULL,
    list_version      BIGINT NOT NULL,      -- the list version in force when the case was opened
    cause             TEXT NOT NULL,         -- 案由
    party_type        TEXT NOT NULL CHECK (party_type IN ('person', 'organization')),
    party_name        TEXT NOT NULL,
    party_id_code     TEXT NOT NULL,         -- 身份证号 (secret) or 统一社会信用代码; '' = unknown
    party_phone       TEXT NOT NULL,         -- secret; '' = none
    party_address     TEXT NOT NULL,
    stage             TEXT NOT NULL,
    major             INTEGER NOT NULL CHECK (major IN (0, 1)),
    hearing_requested INTEGER NOT NULL CHECK (hearing_requested IN (0, 1)),
    started_on        TEXT NOT NULL,         -- 立案 (or start) date, Asia/Shanghai calendar date
    due_on            TEXT NOT NULL,         -- decision deadline; '' = none (inspection)
    extension_days    BIGINT NOT NULL DEFAULT 0,
    decided_on        TEXT NOT NULL DEFAULT '',
    closed_on         TEXT NOT NULL DEFAULT '',
    archived_on       TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (agency_id, case_no)
);
CREATE INDEX case_file_agency_stage ON case_file(agency_id, stage);
CREATE INDEX case_file_due ON case_file(due_on);

CREATE TABLE case_officer (
    case_id    TEXT NOT NULL REFERENCES case_file(id),
    officer_id TEXT NOT NULL REFERENCES officer(id),
    role       TEXT NOT NULL CHECK (role IN ('lead', 'assist')),   -- 承办人 / 协办人
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    PRIMARY KEY (case_id, officer_id)
);
CREATE INDEX case_officer_officer ON case_officer(officer_id);

CREATE TABLE case_transition (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES case_file(id),
    seq        BIGINT NOT NULL,              -- 1, 2, 3 … per case
    from_stage TEXT NOT NULL,                 -- '' for the first (opening) row
    to_stage   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL,
    by_id      TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE doc_counter (
    agency_id TEXT NOT NULL REFERENCES agency(id),
    doc_word  TEXT NOT NULL,
    year      BIGINT NOT NULL,
    last_seq  BIGINT NOT NULL CHECK (last_seq >= 0),
    PRIMARY KEY (agency_id, doc_word, year)
);

CREATE TABLE case_record (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES case_file(id),
    stage          TEXT NOT NULL,
    template_code  TEXT NOT NULL,
    title          TEXT NOT NULL,
    doc_no         TEXT NOT NULL,             -- 文号; '' for records without one (笔录)
    doc_word       TEXT NOT NULL,
    doc_year       BIGINT NOT NULL,          -- 0 when unnumbered
    doc_seq        BIGINT NOT NULL,          -- 0 when unnumbered
    field_act      TEXT NOT NULL,             -- '' or inspect | investigate | collect | serve | coerce
    made_on        TEXT NOT NULL,             -- the day of the act the record records
    values_json    TEXT NOT NULL,             -- canonical JSON of the filled fields
    body_text      TEXT NOT NULL,             -- the rendered text
    content_sha256 TEXT NOT NULL,             -- over the canonical record (docs/cases.md)
    served         INTEGER NOT NULL CHECK (served IN (0, 1)),
    verify_hash    TEXT NOT NULL,             -- SHA-256 of the party's verification code; '' = not served
    supersedes     TEXT NOT NULL,             -- id of the record this corrects; '' = none
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX case_record_case ON case_record(case_id, created_at);
CREATE UNIQUE INDEX case_record_doc_no ON case_record(case_id, doc_word, doc_year, doc_seq)
    WHERE doc_seq > 0;

CREATE TABLE case_record_officer (
    record_id  TEXT NOT NULL REFERENCES case_record(id),
    officer_id TEXT NOT NULL REFERENCES officer(id),
    name       TEXT NOT NULL,                 -- as on the day of the act
    cert_no    TEXT NOT NULL,
    PRIMARY KEY (record_id, officer_id)
);

CREATE TABLE upload (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES case_file(id),
    stage          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'photo', 'file')),
    size_bytes     BIGINT NOT NULL CHECK (size_bytes > 0),
    content_type   TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    captured_start TEXT NOT NULL,
    captured_end   TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    place          TEXT NOT NULL,
    lat            TEXT NOT NULL,             -- decimal degrees as text; '' = none
    lon            TEXT NOT NULL,
    officer_id     TEXT NOT NULL,             -- who captured it; '' = not an officer of the register
    description    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'complete', 'aborted')),
    evidence_id    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    finished_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX upload_case ON upload(case_id, status);

CREATE TABLE evidence (
    id             TEXT PRIMARY KEY,
    case_id        TEXT NOT NULL REFERENCES case_file(id),
    stage          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('video', 'audio', 'photo', 'file')),
    sha256         TEXT NOT NULL,
    sm3            TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL CHECK (size_bytes > 0),
    content_type   TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    captured_start TEXT NOT NULL,
    captured_end   TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    place          TEXT NOT NULL,
    lat            TEXT NOT NULL,
    lon            TEXT NOT NULL,
    officer_id     TEXT NOT NULL,
    description    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL
);
CREATE INDEX evidence_case ON evidence(case_id, created_at);
CREATE INDEX evidence_sha256 ON evidence(sha256);

CREATE TABLE evidence_deletion (
    evidence_id TEXT PRIMARY KEY REFERENCES evidence(id),
    reason      TEXT NOT NULL,
    deleted_at  TEXT NOT NULL,
    deleted_by  TEXT NOT NULL
);

CREATE TABLE recording_exemption (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES case_file(id),
    stage      TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason <> ''),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX recording_exemption_case ON recording_exemption(case_id);

CREATE TABLE case_access (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES case_file(id),
    agency_id   TEXT NOT NULL,
    object_type TEXT NOT NULL CHECK (object_type IN ('case', 'record', 'evidence', 'archive')),
    object_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('view', 'download', 'export', 'party_view')),
    reason      TEXT NOT NULL,
    actor_id    TEXT NOT NULL,                -- user id, or 'party' for the party's lookup
    actor_name  TEXT NOT NULL,
    remote_addr TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX case_access_case ON case_access(case_id, at);
CREATE INDEX case_access_agency ON case_access(agency_id, at);

-- Installation settings that staff change at run time (e.g. the retention
-- policy, docs/cases.md); key → value text.
CREATE TABLE setting (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- What happened is never rewritten.
CREATE TRIGGER case_transition_no_update BEFORE UPDATE ON case_transition
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_transition_no_delete BEFORE DELETE ON case_transition
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_record_no_update BEFORE UPDATE ON case_record
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_record_no_delete BEFORE DELETE ON case_record
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_record_officer_no_update BEFORE UPDATE ON case_record_officer
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_record_officer_no_delete BEFORE DELETE ON case_record_officer
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER evidence_deletion_no_update BEFORE UPDATE ON evidence_deletion
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER evidence_deletion_no_delete BEFORE DELETE ON evidence_deletion
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER recording_exemption_no_update BEFORE UPDATE ON recording_exemption
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER recording_exemption_no_delete BEFORE DELETE ON recording_exemption
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_access_no_update BEFORE UPDATE ON case_access
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_access_no_delete BEFORE DELETE ON case_access
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_officer_no_delete BEFORE DELETE ON case_officer
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_file_no_delete BEFORE DELETE ON case_file
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER upload_no_delete BEFORE DELETE ON upload
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_access_no_truncate BEFORE TRUNCATE ON case_access
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_file_no_truncate BEFORE TRUNCATE ON case_file
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_officer_no_truncate BEFORE TRUNCATE ON case_officer
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_record_no_truncate BEFORE TRUNCATE ON case_record
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_record_officer_no_truncate BEFORE TRUNCATE ON case_record_officer
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_transition_no_truncate BEFORE TRUNCATE ON case_transition
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON evidence
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER evidence_deletion_no_truncate BEFORE TRUNCATE ON evidence_deletion
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER recording_exemption_no_truncate BEFORE TRUNCATE ON recording_exemption
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER upload_no_truncate BEFORE TRUNCATE ON upload
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
