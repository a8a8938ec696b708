-- 0003 calendar: years of official holidays and make-up workdays added to this
-- installation with `sanxiang calendar import` (docs/calendar.md), beyond the
-- years compiled into the binary (data/calendar/cn-holidays.json).
--
-- Deadlines already computed depend on these rows, so the table is
-- append-only: the triggers refuse UPDATE and DELETE, and a year is imported
-- once. When a later binary also has a year built in, the imported row still
-- wins, so that an upgrade never moves a deadline (docs/calendar.md).

-- One row per imported year. data is the imported file byte for byte (a
-- cn-holidays.json-format document holding exactly this year), so that the
-- SHA-256 recorded in the ledger event "calendar.import" can be recomputed
-- from the row; source repeats the file's "source" field.
CREATE TABLE calendar_year (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 1949 AND 9998),
    data        TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at TEXT NOT NULL,               -- fixed-width UTC text
    imported_by TEXT NOT NULL                -- user id, or "cli:<login>"
);

CREATE TRIGGER calendar_year_no_update BEFORE UPDATE ON calendar_year
BEGIN SELECT RAISE(ABORT, 'append_only: calendar_year'); END;
CREATE TRIGGER calendar_year_no_delete BEFORE DELETE ON calendar_year
BEGIN SELECT RAISE(ABORT, 'append_only: calendar_year'); END;
