-- 0009 publications (PostgreSQL): mirrors sql/sqlite/0009_publications.sql —
-- one row per version of a published enforcement decision (事后公开;
-- 《行政处罚法》第四十八条), never deleted, and the search index of the
-- published rows.
--
-- The search index differs from SQLite's FTS5 table: publication_search holds
-- the normalized text (search/zhnorm zhnorm_text) and its character unigrams
-- and bigrams (zhnorm_grams) in a GIN-indexed text[]; a query matches with
-- grams @> <the query's grams> AND strpos(body, <query>) > 0, which is exact
-- and the same answer as SQLite's. pg_trgm is not used: how it splits CJK text
-- depends on the cluster's locale. Like publication_fts it is derived data
-- (the service rebuilds it from publication); store_copy does not copy it.

CREATE TABLE publication (
    id                TEXT PRIMARY KEY,
    agency_id         TEXT NOT NULL REFERENCES agency(id),
    region_code       TEXT NOT NULL,          -- the agency's, for filters
    case_id           TEXT NOT NULL,          -- '' = not from a case file
    record_id         TEXT NOT NULL,          -- the decision document (case_record); '' = none
    version           BIGINT NOT NULL CHECK (version >= 1),  -- 1, +1 per correction
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
    fine_fen          BIGINT NOT NULL CHECK (fine_fen >= 0),
    confiscation_fen  BIGINT NOT NULL CHECK (confiscation_fen >= 0),
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

-- The search index of the published rows (derived; see above).
CREATE TABLE publication_search (
    publication_id TEXT PRIMARY KEY REFERENCES publication(id),
    body           TEXT NOT NULL,          -- zhnorm_text of the public content
    grams          TEXT[] NOT NULL         -- zhnorm_grams of body
);
CREATE INDEX publication_search_grams ON publication_search USING gin (grams);

-- Publications change only by compare-and-set on their status and are never
-- deleted.
CREATE TRIGGER publication_no_delete BEFORE DELETE ON publication
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER publication_no_truncate BEFORE TRUNCATE ON publication
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
