-- 0006 officer photos (PostgreSQL): mirrors sql/sqlite/0006_officer_photos.sql
-- — content-addressed, immutable photos as base64 text (the portable subset
-- binds text and integers only; photos are at most 512 KiB). The table refuses
-- UPDATE, DELETE and TRUNCATE; INSERT … ON CONFLICT DO NOTHING fires no
-- UPDATE trigger.

CREATE TABLE officer_photo (
    sha256       TEXT PRIMARY KEY,          -- lower-case hex SHA-256 of the decoded bytes
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes   INTEGER NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 524288),
    data_base64  TEXT NOT NULL,             -- RFC 4648 §4 base64 with padding, no line breaks
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);

CREATE TRIGGER officer_photo_no_update BEFORE UPDATE ON officer_photo
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER officer_photo_no_delete BEFORE DELETE ON officer_photo
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER officer_photo_no_truncate BEFORE TRUNCATE ON officer_photo
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();

CREATE INDEX officer_user ON officer(user_id);
