-- 0003 calendar (PostgreSQL): mirrors sql/sqlite/0003_calendar.sql — years of
-- holidays imported with `sanxiang calendar import` (docs/calendar.md).
-- Append-only: deadlines already computed depend on these rows.

CREATE TABLE calendar_year (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 1949 AND 9998),
    data        TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,               -- fixed-width UTC text
    imported_by TEXT NOT NULL                -- user id, or "cli:<login>"
);

CREATE TRIGGER calendar_year_no_update BEFORE UPDATE ON calendar_year
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER calendar_year_no_delete BEFORE DELETE ON calendar_year
    FOR EACH ROW EXECUTE FUNCTION sx_append_only();
CREATE TRIGGER calendar_year_no_truncate BEFORE TRUNCATE ON calendar_year
    FOR EACH STATEMENT EXECUTE FUNCTION sx_append_only();
