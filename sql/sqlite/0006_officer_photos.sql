-- 0006 officer photos: the optional photo of an officer, shown beside the
-- certificate on 亮证 and in the staff register. officer.photo_sha256 (0004)
-- names a row of this table.
--
-- Content-addressed and immutable: a row is keyed by the SHA-256 of its bytes,
-- so the same picture uploaded twice is one row, and a changed picture is a new
-- row (the officer then points at the new hash; the old row stays, as every
-- row does). The table refuses UPDATE and DELETE, like the ledger (0002).
--
-- Why base64 in a TEXT column rather than a BLOB: the portable subset
-- (sql/pg/0006 will mirror it) has no binary type that both SQLite and
-- PostgreSQL bind the same way through the driver interface (db.h binds text
-- and integers), and photos are small — the service refuses anything over
-- 512 KiB, so a row holds at most ~700 KB of text. Large evidence (audio,
-- video, scans) does not belong here: it goes to content-addressed blob
-- storage (src/blob) once that exists.

CREATE TABLE officer_photo (
    sha256       TEXT PRIMARY KEY,          -- lower-case hex SHA-256 of the decoded bytes
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 524288),
    data_base64  TEXT NOT NULL,             -- RFC 4648 §4 base64 with padding, no line breaks
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);

CREATE TRIGGER officer_photo_no_update BEFORE UPDATE ON officer_photo
BEGIN SELECT RAISE(ABORT, 'append_only: officer_photo'); END;
CREATE TRIGGER officer_photo_no_delete BEFORE DELETE ON officer_photo
BEGIN SELECT RAISE(ABORT, 'append_only: officer_photo'); END;

-- Staff look officers up by their linked account (one officer per account).
CREATE INDEX officer_user ON officer(user_id);
