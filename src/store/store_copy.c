/*
 * store/store_copy — copies every row of one installation's database into
 * another, empty one at the same schema version (`sanxiang migrate-store`,
 * docs/postgresql.md "Moving an installation between backends").
 *
 * The copy is generic: for each table of store_copy__tables, in that order
 * (parents before the tables that reference them), the columns and primary
 * key come from the catalog (db_table_columns), rows are read with
 * "SELECT <columns> FROM t ORDER BY <primary key>" and written with one
 * parameterised INSERT each, every value as text or NULL. Every column of the
 * copied tables is TEXT or INTEGER (sql/pg/0001_foundation.sql), so text is
 * exact on both backends: the destination converts it by the column's type.
 * Derived tables (the search index of 0009) are not copied; the service
 * rebuilds them.
 *
 * Invariants: the source is read in one read transaction, so the copy is one
 * snapshot; the destination is written in write transactions of batch_rows
 * rows, so a large table never holds the writer (or the WAL) for the whole
 * copy. A failure therefore leaves the destination partly filled: it is then
 * not empty, store_copy refuses it, and the operator empties it (the command
 * says so). Append-only triggers allow INSERT, which is all this does.
 *
 * What it does not do: schema_version is not copied (store_create wrote it on
 * the destination; store_open checked that both are at the binary's version);
 * signing keys live beside the database, not in it, and are not touched.
 * Self-references (agency.parent_id) rely on primary-key order: a parent
 * agency is created, and gets its ULID, before its children.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "store/db.h"
#include "store/store_internal.h"

/*
 * Every table of the schema but schema_version and the derived tables below,
 * in dependency order. Each new migration that creates a table must add it
 * here or there (test_store_copy fails when the database holds a table
 * neither list has).
 */
static const char *const store_copy__tables[] = {
        "agency",        "app_user",    "user_session",      "login_throttle",
        "officer_photo", "officer",     "audit_event",       "ledger_meta",
        "ledger_leaf",   "ledger_hash", "ledger_checkpoint", "calendar_year",
        "list_version",  "list_item",
        /* 0007 cases */
        "agency_case_settings", "case_file", "case_officer", "case_transition", "doc_counter",
        "case_record", "case_record_officer", "upload", "evidence", "evidence_deletion",
        "recording_exemption", "case_access", "setting",
        /* 0008 reviews */
        "major_catalog", "agency_review_settings", "case_draft", "review", "case_discussion",
        /* 0009 publications (the search index is derived: store_copy__derived_tables) */
        "publication",
};

/*
 * Tables of the schema that hold derived data and are not copied: the search
 * index of published decisions (0009). SQLite's is an FTS5 virtual table,
 * whose shadow tables (_data, _idx, _content, _docsize, _config) appear as
 * tables of their own and cannot be filled by INSERT like ordinary ones;
 * PostgreSQL's holds a text[] of grams that only search/zhnorm computes, so
 * the other backend's index could not be carried over anyway. After a copy
 * the destination's index is empty and the service rebuilds it from the
 * published rows of publication.
 */
static const char *const store_copy__derived_tables[] = {
        "publication_fts",         "publication_fts_config", "publication_fts_content",
        "publication_fts_data",    "publication_fts_docsize", "publication_fts_idx",
        "publication_search",
};

#define STORE_COPY_DERIVED_COUNT                                                                   \
        (sizeof(store_copy__derived_tables) / sizeof(store_copy__derived_tables[0]))

#define STORE_COPY_TABLE_COUNT (sizeof(store_copy__tables) / sizeof(store_copy__tables[0]))
#define STORE_COPY_MAX_COLUMNS 64 /* as DB_MAX_PARAMS */
#define STORE_COPY_SQL_SIZE 4096u

size_t store_copy_table_count(void)
{
	return STORE_COPY_TABLE_COUNT;
}

const char *store_copy_table_name(size_t i)
{
	return i < STORE_COPY_TABLE_COUNT ? store_copy__tables[i] : NULL;
}

static bool store_copy__is_listed(const char *name)
{
	if (strcmp(name, "schema_version") == 0)
		return true;
	for (size_t i = 0; i < STORE_COPY_TABLE_COUNT; i++) {
		if (strcmp(store_copy__tables[i], name) == 0)
			return true;
	}
	for (size_t i = 0; i < STORE_COPY_DERIVED_COUNT; i++) {
		if (strcmp(store_copy__derived_tables[i], name) == 0)
			return true;
	}
	return false;
}

int store_copy_unlisted_table(char *out, size_t out_size, struct store_tx *tx, struct sx_error *err)
{
	struct db_name *names = NULL;
	size_t count = 0;
	int rc;

	if (out == NULL || out_size == 0 || tx == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	out[0] = '\0';
	if ((rc = db_table_names(&names, &count, tx->db, err)) < 0)
		goto cleanup;
	for (size_t i = 0; i < count; i++) {
		if (!store_copy__is_listed(names[i].name)) {
			snprintf(out, out_size, "%s", names[i].name);
			break;
		}
	}
cleanup:
	sx_free(names);
	return rc;
}

/* Index of a listed table (STORE_COPY_TABLE_COUNT for schema_version); -1 for others. */
static int store_copy__index(const char *name)
{
	for (size_t i = 0; i < STORE_COPY_TABLE_COUNT; i++) {
		if (strcmp(store_copy__tables[i], name) == 0)
			return (int)i;
	}
	return strcmp(name, "schema_version") == 0 ? (int)STORE_COPY_TABLE_COUNT : -1;
}

int store_table_row_count(int64_t *out, struct store_tx *tx, const char *table,
                          struct sx_error *err)
{
	char sql[96];
	int i;

	if (out == NULL || tx == NULL || table == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	*out = 0;
	/* Only listed names reach the SQL text: they are our identifiers, not input. */
	if ((i = store_copy__index(table)) < 0)
		return sx_error_setf(err, SX_EINVALID, "table_not_listed", "未知的数据表",
		                     "table %s", table);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return store__query_int64(out, tx, sql, NULL, 0, err);
}

/* Builds the SELECT and INSERT of one table from its catalog columns. */
static int store_copy__statements(struct buf *select, struct buf *insert,
                                  const struct db_column *cols, size_t count, const char *table,
                                  struct sx_error *err)
{
	bool have_pk = false;
	int rc = 0;

	if (count > STORE_COPY_MAX_COLUMNS)
		return sx_error_setf(err, SX_ETOOBIG, "too_many_columns", "数据表的列过多",
		                     "table %s has %zu columns", table, count);
	rc |= buf_appendf(select, "SELECT ");
	rc |= buf_appendf(insert, "INSERT INTO %s (", table);
	for (size_t i = 0; i < count; i++) {
		rc |= buf_appendf(select, "%s%s", i ? ", " : "", cols[i].name);
		rc |= buf_appendf(insert, "%s%s", i ? ", " : "", cols[i].name);
	}
	rc |= buf_appendf(select, " FROM %s ORDER BY ", table);
	rc |= buf_appendf(insert, ") VALUES (");
	for (size_t i = 0; i < count; i++)
		rc |= buf_appendf(insert, "%s$%zu", i ? ", " : "", i + 1);
	rc |= buf_appendf(insert, ")");
	/* Primary key columns in key order; a table without one is ordered by all columns. */
	for (int pos = 1; pos <= (int)count; pos++) {
		for (size_t i = 0; i < count; i++) {
			if (cols[i].pk == pos) {
				rc |= buf_appendf(select, "%s%s", have_pk ? ", " : "",
				                  cols[i].name);
				have_pk = true;
			}
		}
	}
	for (size_t i = 0; !have_pk && i < count; i++)
		rc |= buf_appendf(select, "%s%s", i ? ", " : "", cols[i].name);
	if (rc != 0)
		return sx_error_set(err, SX_ENOMEM, "out_of_memory", "内存不足");
	return 0;
}

/* SX_ECONFLICT unless both sides have the same columns in the same order. */
static int store_copy__same_columns(const struct db_column *a, size_t a_count,
                                    const struct db_column *b, size_t b_count, const char *table,
                                    struct sx_error *err)
{
	bool same = a_count == b_count;

	for (size_t i = 0; same && i < a_count; i++)
		same = strcmp(a[i].name, b[i].name) == 0;
	if (!same)
		return sx_error_setf(err, SX_ECONFLICT, "schema_mismatch",
		                     "源数据库与目标数据库的表结构不一致", "table %s", table);
	return 0;
}

static int store_copy__table(struct store *dst, struct store_tx *src_tx, size_t t,
                             size_t batch_rows, store_copy_progress_fn progress, void *ctx,
                             struct sx_error *err)
{
	const char *table = store_copy__tables[t];
	struct db_column *cols = NULL;
	struct db_column *dst_cols = NULL;
	size_t count = 0;
	size_t dst_count = 0;
	struct buf select;
	struct buf insert;
	struct db_stmt *rows = NULL;
	struct store_tx *wtx = NULL;
	size_t in_batch = 0;
	int64_t copied = 0;
	int rc;

	buf_init(&select, STORE_COPY_SQL_SIZE);
	buf_init(&insert, STORE_COPY_SQL_SIZE);
	if ((rc = db_table_columns(&cols, &count, src_tx->db, table, err)) < 0 ||
	    (rc = store_begin(&wtx, dst, STORE_TX_WRITE, err)) < 0 ||
	    (rc = db_table_columns(&dst_cols, &dst_count, wtx->db, table, err)) < 0 ||
	    (rc = store_copy__same_columns(cols, count, dst_cols, dst_count, table, err)) < 0 ||
	    (rc = store_copy__statements(&select, &insert, cols, count, table, err)) < 0 ||
	    (rc = db_prepare(&rows, src_tx->db, select.data, err)) < 0)
		goto cleanup;
	while ((rc = db_step(rows, err)) == DB_ROW) {
		struct db_stmt *ins = NULL;

		if (wtx == NULL && (rc = store_begin(&wtx, dst, STORE_TX_WRITE, err)) < 0)
			goto cleanup;
		if ((rc = db_prepare(&ins, wtx->db, insert.data, err)) < 0)
			goto cleanup;
		for (size_t i = 0; i < count && rc >= 0; i++) {
			if (db_column_is_null(rows, (int)i))
				rc = db_bind_null(ins, (int)i + 1);
			else
				rc = db_bind_text(ins, (int)i + 1, db_column_text(rows, (int)i),
				                  db_column_bytes(rows, (int)i));
		}
		if (rc < 0) {
			db_finish(ins);
			rc = sx_error_setf(err, rc, "copy_bind_failed", "复制数据时绑定参数失败",
			                   "table %s row %lld", table, (long long)copied);
			goto cleanup;
		}
		rc = db_step(ins, err);
		db_finish(ins);
		if (rc < 0)
			goto cleanup;
		copied++;
		if (++in_batch >= batch_rows) {
			rc = store_commit(wtx, err);
			wtx = NULL;
			if (rc < 0)
				goto cleanup;
			in_batch = 0;
			if (progress)
				progress(table, copied, false, ctx);
		}
	}
	if (rc < 0)
		goto cleanup;
	if (wtx != NULL) {
		rc = store_commit(wtx, err);
		wtx = NULL;
		if (rc < 0)
			goto cleanup;
	}
	rc = 0;
	if (progress)
		progress(table, copied, true, ctx);
cleanup:
	db_finish(rows);
	store_rollback(wtx);
	buf_free(&select);
	buf_free(&insert);
	sx_free(cols);
	sx_free(dst_cols);
	return rc;
}

int store_copy_is_empty(bool *out, struct store *st, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	int rc;

	if (out == NULL || st == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	*out = true;
	if ((rc = store_begin(&tx, st, STORE_TX_READ, err)) < 0)
		return rc;
	for (size_t i = 0; i < STORE_COPY_TABLE_COUNT && *out; i++) {
		int64_t rows = 0;

		if ((rc = store_table_row_count(&rows, tx, store_copy__tables[i], err)) < 0)
			goto cleanup;
		*out = rows == 0;
	}
cleanup:
	store_rollback(tx);
	return rc;
}

int store_copy(struct store *dst, struct store *src, size_t batch_rows,
               store_copy_progress_fn progress, void *ctx, struct sx_error *err)
{
	struct store_tx *src_tx = NULL;
	char unlisted[DB_NAME_SIZE];
	bool empty = false;
	int rc;

	if (dst == NULL || src == NULL || dst == src || batch_rows == 0)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if ((rc = store_copy_is_empty(&empty, dst, err)) < 0)
		return rc;
	if (!empty)
		return sx_error_set(err, SX_ECONFLICT, "destination_not_empty",
		                    "目标数据库已有数据：只能复制到空数据库");
	if ((rc = store_begin(&src_tx, src, STORE_TX_READ, err)) < 0)
		return rc;
	if ((rc = store_copy_unlisted_table(unlisted, sizeof(unlisted), src_tx, err)) < 0)
		goto cleanup;
	if (unlisted[0] != '\0') {
		rc = sx_error_setf(err, SX_EINTERNAL, "table_not_listed",
		                   "源数据库中有本程序不会复制的数据表", "table %s", unlisted);
		goto cleanup;
	}
	for (size_t i = 0; i < STORE_COPY_TABLE_COUNT; i++) {
		if ((rc = store_copy__table(dst, src_tx, i, batch_rows, progress, ctx, err)) < 0)
			goto cleanup;
	}
cleanup:
	store_rollback(src_tx);
	return rc;
}
