-- 0008 reviews (PostgreSQL): mirrors sql/sqlite/0008_reviews.sql — the
-- 重大执法决定法制审核 catalog by version, per-agency review settings, draft
-- decisions by version, legal reviews and 集体讨论 records. Catalog versions,
-- drafts and discussions are only inserted; reviews are never deleted.

CREATE TABLE major_catalog (
    agency_id         TEXT NOT NULL REFERENCES agency(id),
    version           BIGINT NOT NULL CHECK (version >= 1),   -- 1, 2, … per agency
    body              TEXT NOT NULL,          -- JSON {"rules": […]} (domain/majorcat)
    body_sha256       TEXT NOT NULL,
    note              TEXT NOT NULL,          -- what changed; '' = none
    published_at      TEXT NOT NULL,
    published_by      TEXT NOT NULL,
    published_by_name TEXT NOT NULL,
    PRIMARY KEY (agency_id, version)
);

CREATE TABLE agency_review_settings (
    agency_id       TEXT PRIMARY KEY REFERENCES agency(id),
    unit_pre_review INTEGER NOT NULL CHECK (unit_pre_review IN (0, 1)),  -- 科室初审
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);

CREATE TABLE case_draft (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT NOT NULL REFERENCES case_file(id),
    version            BIGINT NOT NULL CHECK (version >= 1),  -- 1, 2, … per case
    body               TEXT NOT NULL,          -- canonical JSON of the decision's values
    body_sha256        TEXT NOT NULL,          -- of body; what a review approves
    acts               TEXT NOT NULL,          -- majorcat act codes, space-separated
    fine_fen           BIGINT NOT NULL CHECK (fine_fen >= 0),
    confiscation_fen   BIGINT NOT NULL CHECK (confiscation_fen >= 0),
    coercion_value_fen BIGINT NOT NULL CHECK (coercion_value_fen >= 0),
    public_interest    INTEGER NOT NULL CHECK (public_interest IN (0, 1)),
    complex            INTEGER NOT NULL CHECK (complex IN (0, 1)),
    multi_agency       INTEGER NOT NULL CHECK (multi_agency IN (0, 1)),
    note               TEXT NOT NULL,          -- what changed; '' = none
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    created_by_name    TEXT NOT NULL,
    UNIQUE (case_id, version)
);

CREATE TABLE review (
    id                  TEXT PRIMARY KEY,
    case_id             TEXT NOT NULL REFERENCES case_file(id),
    agency_id           TEXT NOT NULL REFERENCES agency(id),
    seq                 BIGINT NOT NULL CHECK (seq >= 1),      -- 1, 2, … per case
    draft_id            TEXT NOT NULL REFERENCES case_draft(id),
    draft_sha256        TEXT NOT NULL,
    status              TEXT NOT NULL
                        CHECK (status IN ('pre_review', 'returned', 'accepted', 'concluded')),
    urgent              INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    materials           BIGINT NOT NULL CHECK (materials >= 0),  -- bits of enum review_material
    missing             BIGINT NOT NULL CHECK (missing >= 0),    -- at submission; 0 = complete
    submitted_at        TEXT NOT NULL,
    submitted_by        TEXT NOT NULL,
    submitted_by_name   TEXT NOT NULL,
    submit_note         TEXT NOT NULL,
    returned_at         TEXT NOT NULL,          -- '' = not returned
    returned_reason     TEXT NOT NULL,
    pre_review_result   TEXT NOT NULL CHECK (pre_review_result IN ('', 'pass', 'return')),
    pre_review_at       TEXT NOT NULL,
    pre_review_by       TEXT NOT NULL,
    pre_review_by_name  TEXT NOT NULL,
    pre_review_note     TEXT NOT NULL,
    reviewer_id         TEXT NOT NULL,          -- '' until accepted
    reviewer_name       TEXT NOT NULL,
    accepted_at         TEXT NOT NULL,
    accepted_on         TEXT NOT NULL,
    due_on              TEXT NOT NULL,          -- '' until accepted
    extended            INTEGER NOT NULL CHECK (extended IN (0, 1)),
    extension_reason    TEXT NOT NULL,
    extension_by        TEXT NOT NULL,
    extension_by_name   TEXT NOT NULL,
    extension_at        TEXT NOT NULL,
    checklist           TEXT,                   -- JSON array of the ten items; NULL until concluded
    conclusion          TEXT NOT NULL CHECK (conclusion IN ('', 'approve', 'amend', 'reject')),
    opinion             TEXT,                   -- 审核意见; NULL until concluded
    opinion_record_id   TEXT NOT NULL,          -- case_record of the 审核意见书; '' = none
    concluded_at        TEXT NOT NULL,
    objection           TEXT NOT NULL,
    objected_at         TEXT NOT NULL,
    objected_by         TEXT NOT NULL,
    objected_by_name    TEXT NOT NULL,
    coordination_result TEXT NOT NULL CHECK (coordination_result IN ('', 'maintained', 'changed')),
    coordination        TEXT NOT NULL,
    coordinated_at      TEXT NOT NULL,
    coordinated_by      TEXT NOT NULL,
    coordinated_by_name TEXT NOT NULL,
    head_decision       TEXT NOT NULL CHECK (head_decision IN ('', 'uphold', 'proceed')),
    head_reason         TEXT NOT NULL,
    head_at             TEXT NOT NULL,
    head_by             TEXT NOT NULL,
    head_by_name        TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    UNIQUE (case_id, seq)
);
CREATE INDEX review_agency_status ON review(agency_id, status);
CREATE INDEX review_reviewer ON review(reviewer_id);
CREATE INDEX review_due ON review(due_on);

CREATE TABLE case_discussion (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES case_file(id),
    draft_id        TEXT NOT NULL REFERENCES case_draft(id),
    draft_sha256    TEXT NOT NULL,
    held_at         TEXT NOT NULL,          -- local text "YYYY-MM-DD HH:MM"
    place           TEXT NOT NULL,
    host            TEXT NOT NULL,          -- 主持人
    attendees       TEXT NOT NULL,          -- JSON array of {"name","title"}
    opinions        TEXT NOT NULL,          -- 讨论意见
    conclusion      TEXT NOT NULL,          -- 讨论结论
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_by_name TEXT NOT NULL
);
CREATE INDEX case_discussion_case ON case_discussion(case_id, created_at);

-- What was published, drafted and discussed is never rewritten; reviews are
-- updated in place but never deleted.
CREATE TRIGGER major_catalog_no_update BEFORE UPDATE ON major_catalog
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER major_catalog_no_delete BEFORE DELETE ON major_catalog
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_draft_no_update BEFORE UPDATE ON case_draft
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_draft_no_delete BEFORE DELETE ON case_draft
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_discussion_no_update BEFORE UPDATE ON case_discussion
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_discussion_no_delete BEFORE DELETE ON case_discussion
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER review_no_delete BEFORE DELETE ON review
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_discussion_no_truncate BEFORE TRUNCATE ON case_discussion
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER case_draft_no_truncate BEFORE TRUNCATE ON case_draft
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER major_catalog_no_truncate BEFORE TRUNCATE ON major_catalog
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER review_no_truncate BEFORE TRUNCATE ON review
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
