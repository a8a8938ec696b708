-- 0005 lists: the public lists of an agency (执法事项清单 with, per matter, its
-- 裁量基准 and 音像记录 stages; 随机抽查事项 are matters with the flag) as
-- numbered versions. Each version holds the whole list, so any version can be
-- shown as it was and any two can be compared (历史版本). Lists are reviewed
-- before release: a version is pending until an agency head or administrator
-- approves it (docs/lists.md).
--
-- Portable subset (sql/pg/0005 will mirror it). The matter itself is stored as
-- canonical JSON (body, docs/lists.md); the columns beside it repeat what the
-- public lists filter on.
--
-- The minimal `matter` table of 0001 is replaced by these (it only ever held
-- demo rows written before lists were versioned).

DROP TABLE matter;

CREATE TABLE list_version (
    id             TEXT PRIMARY KEY,
    agency_id      TEXT NOT NULL REFERENCES agency(id),
    version        INTEGER NOT NULL,          -- 1, 2, 3 … per agency, without gaps
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

-- A version's content never changes; its row changes once, from pending to
-- approved or rejected, and is never deleted.
CREATE TRIGGER list_item_no_update BEFORE UPDATE ON list_item
BEGIN SELECT RAISE(ABORT, 'append_only: list_item'); END;
CREATE TRIGGER list_item_no_delete BEFORE DELETE ON list_item
BEGIN SELECT RAISE(ABORT, 'append_only: list_item'); END;
CREATE TRIGGER list_version_no_delete BEFORE DELETE ON list_version
BEGIN SELECT RAISE(ABORT, 'append_only: list_version'); END;
CREATE TRIGGER list_version_decided_once BEFORE UPDATE ON list_version
WHEN OLD.status <> 'pending'
BEGIN SELECT RAISE(ABORT, 'append_only: list_version decided'); END;
