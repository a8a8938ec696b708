/*
 * base/embedded — files compiled into the binary by cmake/embed.cmake:
 * SQL migrations (sql/sqlite/NNNN_name.sql, and sql/pg/NNNN_name.sql for
 * PostgreSQL with the same numbers), web assets (web/templates,
 * web/static) and data files (data/calendar). The arrays end with a zeroed sentinel and are sorted by
 * migration number. Data is NUL-terminated; size_bytes excludes the NUL.
 */
#ifndef SX_BASE_EMBEDDED_H
#define SX_BASE_EMBEDDED_H

#include <stddef.h>

struct embedded_migration {
	int version;           /* from the file name's number; 1, 2, … without gaps */
	const char *name;      /* file name, e.g. "0001_foundation.sql" */
	const char *sql;
	size_t size_bytes;
};

struct embedded_asset {
	/* relative to web/ ("templates/login.html") or data/ ("calendar/cn-holidays.json") */
	const char *path;
	const char *data;
	size_t size_bytes;
};

/* SQLite's migrations (sql/sqlite). */
extern const struct embedded_migration embedded_migrations[];
extern const size_t embedded_migration_count;
/* PostgreSQL's migrations (sql/pg): the same versions, in PostgreSQL's dialect. */
extern const struct embedded_migration embedded_pg_migrations[];
extern const size_t embedded_pg_migration_count;
extern const struct embedded_asset embedded_assets[];
extern const size_t embedded_asset_count;

/* Finds an asset by its path under web/; NULL when absent. */
const struct embedded_asset *embedded_asset_find(const char *path);

#endif
