-- 0008 reviews: 重大执法决定法制审核 — the legal review that must pass before
-- an agency makes a major enforcement decision (《行政处罚法》第五十八条;
-- 国办发〔2018〕118号《关于全面推行行政执法公示制度执法全过程记录制度重大
-- 执法决定法制审核制度的指导意见》 四).
--
-- What is kept and how:
--   * major_catalog is the agency's 重大执法决定法制审核目录清单, one row per
--     published version (1, 2, … per agency); the rules are a JSON body that
--     domain/majorcat reads. A new version is a new row; old ones stay, so a
--     case can be judged against the catalog in force when it was decided.
--   * agency_review_settings: per agency, whether a 科室初审 comes before the
--     legal-review body. No row = defaults (no 初审).
--   * case_draft is a 拟作出的行政执法决定, one row per version (1, 2, … per
--     case): the decision's values as canonical JSON and their SHA-256, which
--     is what a review approves; a changed decision is a new version.
--   * review is one submission of a draft for legal review (seq 1, 2, … per
--     case; a returned submission is followed by a new one). It is the one
--     table here whose rows change: status moves pre_review → returned |
--     accepted → concluded by compare-and-set in the store, and the
--     acceptance, extension, conclusion, objection, coordination and head's
--     decision are filled in along the way. Its bodies (checklist, opinion)
--     are NULL until concluded.
--   * case_discussion is a 集体讨论 record (《行政处罚法》第五十七条第二款):
--     when, where, who, what was said and decided, about which draft.
--
-- major_catalog, case_draft and case_discussion are append-only; review rows
-- are never deleted. Flags are INTEGER 0/1; times are text (0001 conventions);
-- dates (accepted_on, due_on) are Asia/Shanghai calendar dates YYYY-MM-DD.

CREATE TABLE major_catalog (
    agency_id         TEXT NOT NULL REFERENCES agency(id),
    version           INTEGER NOT NULL CHECK (version >= 1),   -- 1, 2, … per agency
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
    version            INTEGER NOT NULL CHECK (version >= 1),  -- 1, 2, … per case
    body               TEXT NOT NULL,          -- canonical JSON of the decision's values
    body_sha256        TEXT NOT NULL,          -- of body; what a review approves
    acts               TEXT NOT NULL,          -- majorcat act codes, space-separated
    fine_fen           INTEGER NOT NULL CHECK (fine_fen >= 0),
    confiscation_fen   INTEGER NOT NULL CHECK (confiscation_fen >= 0),
    coercion_value_fen INTEGER NOT NULL CHECK (coercion_value_fen >= 0),
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
    seq                 INTEGER NOT NULL CHECK (seq >= 1),      -- 1, 2, … per case
    draft_id            TEXT NOT NULL REFERENCES case_draft(id),
    draft_sha256        TEXT NOT NULL,
    status              TEXT NOT NULL
                        CHECK (status IN ('pre_review', 'returned', 'accepted', 'concluded')),
    urgent              INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    materials           INTEGER NOT NULL CHECK (materials >= 0),  -- bits of enum review_material
    missing             INTEGER NOT NULL CHECK (missing >= 0),    -- at submission; 0 = complete
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
BEGIN SELECT RAISE(ABORT, 'append_only: major_catalog'); END;
CREATE TRIGGER major_catalog_no_delete BEFORE DELETE ON major_catalog
BEGIN SELECT RAISE(ABORT, 'append_only: major_catalog'); END;
CREATE TRIGGER case_draft_no_update BEFORE UPDATE ON case_draft
BEGIN SELECT RAISE(ABORT, 'append_only: case_draft'); END;
CREATE TRIGGER case_draft_no_delete BEFORE DELETE ON case_draft
BEGIN SELECT RAISE(ABORT, 'append_only: case_draft'); END;
CREATE TRIGGER case_discussion_no_update BEFORE UPDATE ON case_discussion
BEGIN SELECT RAISE(ABORT, 'append_only: case_discussion'); END;
CREATE TRIGGER case_discussion_no_delete BEFORE DELETE ON case_discussion
BEGIN SELECT RAISE(ABORT, 'append_only: case_discussion'); END;
CREATE TRIGGER review_no_delete BEFORE DELETE ON review
BEGIN SELECT RAISE(ABORT, 'append_only: review'); END;
