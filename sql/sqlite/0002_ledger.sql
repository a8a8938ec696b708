-- 0002 ledger: the append-only Merkle log (RFC 6962 tree, C2SP tlog-tiles and
-- tlog-checkpoint; docs/ledger.md). Every table here refuses UPDATE and DELETE:
-- the database itself, not only the program, keeps the log append-only.

-- Set once by `sanxiang init` (hash: sha256 | sm3; origin: the checkpoint's
-- first line). The hash of a log never changes: a different hash is a
-- different log.
CREATE TABLE ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per leaf. data is the canonical JSON of the event envelope (what is
-- hashed: leaf hash = H(0x00 || data)); kind and entity_id repeat two of its
-- fields so that a case's events can be found without parsing JSON.
CREATE TABLE ledger_leaf (
    idx        INTEGER PRIMARY KEY,          -- 0-based leaf index, without gaps
    kind       TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    data       TEXT NOT NULL,
    leaf_hash  TEXT NOT NULL,                -- hex
    created_at TEXT NOT NULL
);
CREATE INDEX ledger_leaf_entity ON ledger_leaf(entity_id, idx);

-- The hash of every complete subtree: level 0 holds leaf hashes, level k index
-- i the hash of leaves [i*2^k, (i+1)*2^k). Tiles and proofs are read from here.
CREATE TABLE ledger_hash (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  TEXT NOT NULL,                     -- hex
    PRIMARY KEY (level, idx)
);

-- Signed checkpoints as published at /ledger/checkpoint.
CREATE TABLE ledger_checkpoint (
    size       INTEGER PRIMARY KEY,
    root       TEXT NOT NULL,                -- hex
    note       TEXT NOT NULL,                -- the C2SP signed note
    created_at TEXT NOT NULL
);

CREATE TRIGGER ledger_meta_no_update BEFORE UPDATE ON ledger_meta
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_meta'); END;
CREATE TRIGGER ledger_meta_no_delete BEFORE DELETE ON ledger_meta
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_meta'); END;
CREATE TRIGGER ledger_leaf_no_update BEFORE UPDATE ON ledger_leaf
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_leaf'); END;
CREATE TRIGGER ledger_leaf_no_delete BEFORE DELETE ON ledger_leaf
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_leaf'); END;
CREATE TRIGGER ledger_hash_no_update BEFORE UPDATE ON ledger_hash
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_hash'); END;
CREATE TRIGGER ledger_hash_no_delete BEFORE DELETE ON ledger_hash
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_hash'); END;
CREATE TRIGGER ledger_checkpoint_no_update BEFORE UPDATE ON ledger_checkpoint
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_checkpoint'); END;
CREATE TRIGGER ledger_checkpoint_no_delete BEFORE DELETE ON ledger_checkpoint
BEGIN SELECT RAISE(ABORT, 'append_only: ledger_checkpoint'); END;
