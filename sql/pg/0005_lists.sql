-- 0005 lists (PostgreSQL): mirrors sql/sqlite/0005_lists.sql — an agency's
-- public lists as numbered, reviewed versions (docs/lists.md). Content rows
-- are only inserted; a version row changes once (pending → approved |
-- rejected) and is never deleted.

DROP TABLE matter;

CREATE TABLE list_version (
    id             TEXT PRIMARY KEY,
    agency_id      TEXT NOT NULL REFERENCES agency(id),
    version        BIGINT NOT NULL,           -- 1, 2, 3 … per agency, without gaps
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    effective_from TEXT NOT NULL,             -- calendar date; set for good at approval
    summary        TEXT NOT NULL,             -- 修订说明
    item_count     INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,             -- hex SHA-256 of the canonical JSON array of bodies
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    decided_at     TEXT,                      -- NULL while pending
    decided_by     TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    UNIQUE (agency_id, version)
);
CREATE INDEX list_version_status ON list_version(agency_id, status, version);

CREATE TABLE list_item (
    version_id        TEXT NOT NULL REFERENCES list_version(id),
    ord               INTEGER NOT NULL,       -- 0-based position in the list
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    act_type          TEXT NOT NULL,
    random_inspection INTEGER NOT NULL CHECK (random_inspection IN (0, 1)),
    major_decision    INTEGER NOT NULL CHECK (major_decision IN (0, 1)),
    av_requirement    TEXT NOT NULL CHECK (av_requirement IN ('none', 'key_steps', 'full_process')),
    body              TEXT NOT NULL,          -- canonical JSON of the whole matter
    PRIMARY KEY (version_id, code)
);
CREATE UNIQUE INDEX list_item_order ON list_item(version_id, ord);

CREATE TRIGGER list_item_no_update BEFORE UPDATE ON list_item
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER list_item_no_delete BEFORE DELETE ON list_item
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER list_item_no_truncate BEFORE TRUNCATE ON list_item
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER list_version_no_delete BEFORE DELETE ON list_version
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER list_version_no_truncate BEFORE TRUNCATE ON list_version
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
-- Decided once: a row that has left 'pending' never changes again.
CREATE TRIGGER list_version_decided_once BEFORE UPDATE ON list_version
    FOR EACH ROW WHEN (OLD.status <> 'pending')
    EXECUTE FUNCTION sx_append_only('list_version decided');
