-- 0009 publications: 事后公开 — the enforcement decisions an agency must make
-- public after deciding them (《行政处罚法》第四十八条; 《政府信息公开条例》
-- 第二十条; 国办发〔2018〕118号《关于全面推行行政执法公示制度执法全过程记录制度
-- 重大执法决定法制审核制度的指导意见》 二(三) 事后公开), withdrawn when the
-- decision is revoked, confirmed illegal or re-made, and searchable by the
-- public.
--
-- What is kept and how:
--   * publication is one row per version of a published decision. A
--     correction is a new row (version + 1) naming the one it supersedes in
--     supersedes; a version can be corrected once (partial UNIQUE index), so
--     the versions of a decision form one chain. The row changes in place
--     only through store_publication_update (a compare-and-set on status):
--     draft → pending_check → published → withdrawn | corrected, or withheld
--     (不予公开, with the reason kept). The content columns (agency_name …
--     full_text) are fixed once the row leaves draft; the store enforces that.
--     region_code is the agency's, copied in for the region filters.
--     A natural person's party_code is '' (only an organization's 统一社会信用
--     代码 is published). full_text is the redacted 决定书 text, NULL = none.
--   * publication_fts is the search index of the published rows: an FTS5
--     table with the trigram tokenizer (SQLite >= 3.34) over the normalized
--     text (search/zhnorm). It is derived data: the service puts a row in when
--     it is published and takes it out when it is withdrawn or corrected, and
--     can rebuild it from publication; store_copy does not copy it.
--
-- Rows of publication are never deleted. Flags are INTEGER 0/1; times are
-- text (0001 conventions); dates (decided_on, due_on, published_on,
-- withdraw_event_on, withdraw_due_on) are Asia/Shanghai calendar dates
-- YYYY-MM-DD, '' = not set.

CREATE TABLE publication (
    id                TEXT PRIMARY KEY,
    agency_id         TEXT NOT NULL REFERENCES agency(id),
    region_code       TEXT NOT NULL,          -- the agency's, for filters
    case_id           TEXT NOT NULL,          -- '' = not from a case file
    record_id         TEXT NOT NULL,          -- the decision document (case_record); '' = none
    version           INTEGER NOT NULL CHECK (version >= 1),  -- 1, +1 per correction
    supersedes        TEXT NOT NULL CHECK (supersedes <> id), -- the version it corrects; '' = none
    status            TEXT NOT NULL
                      CHECK (status IN ('draft', 'pending_check', 'published', 'withdrawn',
                                        'corrected', 'withheld')),
    act_type          TEXT NOT NULL
                      CHECK (act_type IN ('license', 'penalty', 'coercion', 'inspection',
                                          'other')),
    decided_on        TEXT NOT NULL,
    due_on            TEXT NOT NULL,          -- publication deadline (domain/publication)
    -- the public content; fixed once the row leaves draft
    agency_name       TEXT NOT NULL,          -- 执法机关
    party_type        TEXT NOT NULL CHECK (party_type IN ('person', 'organization')),
    party_name        TEXT NOT NULL,          -- a person's masked (张某)
    party_code        TEXT NOT NULL,          -- credit code of an organization; '' for a person
    category          TEXT NOT NULL,          -- 执法类别
    conclusion        TEXT NOT NULL,          -- 执法结论
    doc_no            TEXT NOT NULL,          -- 文号
    legal_basis       TEXT NOT NULL,
    penalty           TEXT NOT NULL,          -- 处罚内容
    fine_fen          INTEGER NOT NULL CHECK (fine_fen >= 0),
    confiscation_fen  INTEGER NOT NULL CHECK (confiscation_fen >= 0),
    full_text         TEXT,                   -- the redacted 决定书 text; NULL = none
    override_reason   TEXT NOT NULL,          -- why a redaction finding was kept; '' = none
    -- who and when
    made_at           TEXT NOT NULL,
    made_by           TEXT NOT NULL,
    made_by_name      TEXT NOT NULL,
    checked_at        TEXT NOT NULL,          -- the second person's check; '' = not yet
    checked_by        TEXT NOT NULL,
    checked_by_name   TEXT NOT NULL,
    published_at      TEXT NOT NULL,          -- '' = never published
    published_on      TEXT NOT NULL,          -- the Asia/Shanghai date of published_at
    returned_reason   TEXT NOT NULL,          -- last return to draft; '' = none
    -- 不予公开: '' = none
    withhold_reason   TEXT NOT NULL
                      CHECK (withhold_reason IN ('', 'state_secret', 'trade_secret',
                                                 'personal_privacy')),
    withhold_text     TEXT NOT NULL,
    -- withdrawal: the task opens on withdraw_event_on and is done at withdrawn_at
    withdraw_reason   TEXT NOT NULL
                      CHECK (withdraw_reason IN ('', 'revoked', 'confirmed_illegal', 'remade',
                                                 'other')),
    withdraw_text     TEXT NOT NULL,
    withdraw_event_on TEXT NOT NULL,          -- the day the decision fell; '' = no task
    withdraw_due_on   TEXT NOT NULL,
    withdrawn_at      TEXT NOT NULL,
    withdrawn_by      TEXT NOT NULL,
    withdrawn_by_name TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (party_type <> 'person' OR party_code = '')
);
CREATE INDEX publication_agency_status ON publication(agency_id, status);
CREATE INDEX publication_status_due ON publication(status, due_on);
CREATE INDEX publication_record ON publication(record_id, version);
CREATE INDEX publication_region ON publication(region_code);
CREATE INDEX publication_decided ON publication(decided_on);
-- A version is corrected at most once: its versions form one chain.
CREATE UNIQUE INDEX publication_supersedes ON publication(supersedes) WHERE supersedes <> '';

-- The search index of the published rows (derived; see above). publication_id
-- is not tokenized; body is the zhnorm_text form of the public content.
CREATE VIRTUAL TABLE publication_fts USING fts5(publication_id UNINDEXED, body,
                                                tokenize='trigram');

-- Publications change only by compare-and-set on their status and are never
-- deleted.
CREATE TRIGGER publication_no_delete BEFORE DELETE ON publication
BEGIN SELECT RAISE(ABORT, 'append_only: publication'); END;
