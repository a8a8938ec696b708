-- 0002 ledger (PostgreSQL): mirrors sql/sqlite/0002_ledger.sql — the
-- append-only Merkle log (docs/ledger.md). Leaf indices, subtree indices and
-- tree sizes are BIGINT: a log outgrows 2^31 long before it outgrows 2^63.
-- Every table refuses UPDATE, DELETE and TRUNCATE (sx_append_only, 0001).

CREATE TABLE ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE ledger_leaf (
    idx        BIGINT PRIMARY KEY,           -- 0-based leaf index, without gaps
    kind       TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    data       TEXT NOT NULL,
    leaf_hash  TEXT NOT NULL,                -- hex
    created_at TEXT NOT NULL
);
CREATE INDEX ledger_leaf_entity ON ledger_leaf(entity_id, idx);

CREATE TABLE ledger_hash (
    level INTEGER NOT NULL,
    idx   BIGINT NOT NULL,
    hash  TEXT NOT NULL,                     -- hex
    PRIMARY KEY (level, idx)
);

CREATE TABLE ledger_checkpoint (
    size       BIGINT PRIMARY KEY,
    root       TEXT NOT NULL,                -- hex
    note       TEXT NOT NULL,                -- the C2SP signed note
    created_at TEXT NOT NULL
);

CREATE TRIGGER ledger_meta_no_update BEFORE UPDATE ON ledger_meta
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_meta_no_delete BEFORE DELETE ON ledger_meta
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_meta_no_truncate BEFORE TRUNCATE ON ledger_meta
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_leaf_no_update BEFORE UPDATE ON ledger_leaf
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_leaf_no_delete BEFORE DELETE ON ledger_leaf
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_leaf_no_truncate BEFORE TRUNCATE ON ledger_leaf
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_hash_no_update BEFORE UPDATE ON ledger_hash
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_hash_no_delete BEFORE DELETE ON ledger_hash
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_hash_no_truncate BEFORE TRUNCATE ON ledger_hash
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_checkpoint_no_update BEFORE UPDATE ON ledger_checkpoint
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_checkpoint_no_delete BEFORE DELETE ON ledger_checkpoint
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER ledger_checkpoint_no_truncate BEFORE TRUNCATE ON ledger_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
