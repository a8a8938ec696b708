/*
 * store/store_calendar — the years of holidays imported into this
 * installation (table calendar_year, sql/sqlite/0003_calendar.sql).
 *
 * Rows are append-only (the database refuses UPDATE and DELETE) and one per
 * year. The store keeps the imported file as text and does not look inside:
 * parsing and validation belong to calendar/, permissions and the ledger
 * event to service/calendar.
 */
#ifndef SX_STORE_STORE_CALENDAR_H
#define SX_STORE_STORE_CALENDAR_H

#include <stddef.h>

#include "base/error.h"
#include "store/store.h"

/* Room for the file's "source" text (512 bytes) and its NUL. */
#define STORE_CALENDAR_SOURCE_SIZE 513

struct store_calendar_year {
	int year;         /* 1949..9998 */
	const char *data; /* the imported file, NUL-terminated, no NUL inside */
	size_t data_len;  /* strlen(data) */
	char source[STORE_CALENDAR_SOURCE_SIZE]; /* the file's "source" */
	char imported_at[STORE_TIME_SIZE];       /* fixed-width UTC text */
	char imported_by[STORE_ID_SIZE + 32];    /* user id or "cli:<login>" */
};

/*
 * Inserts one imported year (tx must be a write transaction). row->data is
 * copied by the database.
 * Returns 0, SX_EINVALID (NULL argument, data_len not its length),
 * SX_EEXISTS ("calendar_year_exists": the year is already stored), or the
 * database's errors. On error nothing is written.
 */
int store_calendar_year_insert(struct store_tx *tx, const struct store_calendar_year *row,
			       struct sx_error *err);

/*
 * Calls cb for every stored year, in the order they were imported (then by
 * year). The row, and its data, are borrowed for the duration of the call.
 * cb must not run this same query on tx; a negative return stops the walk
 * and is returned.
 * Returns 0, cb's negative code, or the database's errors.
 */
int store_calendar_year_each(struct store_tx *tx,
			     int (*cb)(const struct store_calendar_year *row, void *ctx), void *ctx,
			     struct sx_error *err);

#endif
