/*
 * store/store_calendar — see store_calendar.h and sql/sqlite/0003_calendar.sql.
 */
#include "store/store_calendar.h"

#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"

int store_calendar_year_insert(struct store_tx *tx, const struct store_calendar_year *row,
			       struct sx_error *err)
{
	int rc;

	if (tx == NULL || row == NULL || row->data == NULL || strlen(row->data) != row->data_len)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, NULL,
			 "INSERT INTO calendar_year (year, data, source, imported_at, imported_by) "
			 "VALUES ($1, $2, $3, $4, $5)",
			 STORE__PARAMS(P_INT(row->year), P_TEXT(row->data), P_TEXT(row->source),
				       P_TEXT(row->imported_at), P_TEXT(row->imported_by)),
			 err);
	if (rc == SX_EEXISTS) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "%d 年的节假日安排已经导入，不能重复导入",
			 row->year);
		return sx_error_set(err, SX_EEXISTS, "calendar_year_exists", message);
	}
	return rc;
}

int store_calendar_year_each(struct store_tx *tx,
			     int (*cb)(const struct store_calendar_year *row, void *ctx), void *ctx,
			     struct sx_error *err)
{
	struct db_stmt *st = NULL;
	struct store_calendar_year row;
	int rc;

	if (tx == NULL || cb == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	rc = store__query(&st, tx,
			  "SELECT year, data, source, imported_at, imported_by FROM calendar_year "
			  "ORDER BY imported_at, year",
			  NULL, 0, err);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *data = db_column_text(st, 1);

		memset(&row, 0, sizeof(row));
		row.year = (int)db_column_int64(st, 0);
		row.data = data ? data : "";
		row.data_len = data ? db_column_bytes(st, 1) : 0;
		store__column_copy(row.source, sizeof(row.source), st, 2);
		store__column_copy(row.imported_at, sizeof(row.imported_at), st, 3);
		store__column_copy(row.imported_by, sizeof(row.imported_by), st, 4);
		if ((rc = cb(&row, ctx)) < 0)
			break;
	}
	db_finish(st);
	return rc < 0 ? rc : 0;
}
