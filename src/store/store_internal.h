/*
 * store/store_internal — shared by the store's .c files only (store.c and
 * store_<entity>.c): the transaction struct and small helpers that prepare,
 * bind and run a statement in one call. Not part of the store's contract.
 */
#ifndef SX_STORE_STORE_INTERNAL_H
#define SX_STORE_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

struct store_tx {
	struct store *st;
	struct db *db;
	enum store_tx_mode mode;
	int reader_slot;   /* index into the reader pool; -1 for the writer */
	/* Group commit (store.c): a finished write waits in its batch's list. */
	struct store_tx *next;
	bool done;         /* the batch holding this transaction has committed or failed */
	int result;        /* that batch's commit result */
};

enum store__param_kind {
	STORE__TEXT = 1,   /* text; NULL binds SQL NULL */
	STORE__OPT_TEXT,   /* text; NULL or "" binds SQL NULL */
	STORE__INT,
};

struct store__param {
	enum store__param_kind kind;
	const char *text;
	int64_t number;
};

#define P_TEXT(s) ((struct store__param){STORE__TEXT, (s), 0})
#define P_OPT_TEXT(s) ((struct store__param){STORE__OPT_TEXT, (s), 0})
#define P_INT(v) ((struct store__param){STORE__INT, NULL, (int64_t)(v)})
/* Expands to "array, count" for store__exec and store__query. */
#define STORE__PARAMS(...)                                                                         \
	(const struct store__param[]){__VA_ARGS__},                                                \
		sizeof((const struct store__param[]){__VA_ARGS__}) / sizeof(struct store__param)

/* Prepares sql and binds params ($1 = params[0]). Finish *out with db_finish. */
int store__query(struct db_stmt **out, struct store_tx *tx, const char *sql,
		 const struct store__param *params, size_t count, struct sx_error *err);

/* Prepares, binds, runs to completion. *changed (may be NULL) gets rows changed. */
int store__exec(struct store_tx *tx, int64_t *changed, const char *sql,
		const struct store__param *params, size_t count, struct sx_error *err);

/* Write-mode check: store functions that change rows refuse read transactions. */
int store__require_write(struct store_tx *tx, struct sx_error *err);

/* Copies column col (NULL becomes "") into dst of size dst_size, truncating. */
void store__column_copy(char *dst, size_t dst_size, struct db_stmt *st, int col);
/* Copies column col into a new NUL-terminated string (*out, sx_free); NULL for SQL NULL. */
int store__column_dup(char **out, struct db_stmt *st, int col, struct sx_error *err);

/*
 * Makes room for one more element in a growing result array. items_ptr is
 * the address of the caller's element pointer (e.g. &items for
 * struct store_user *items); when len == *cap the array doubles (first 16)
 * with sx_reallocarray. SX_ENOMEM (err filled) leaves the array and *cap as
 * they were, still owned by the caller.
 */
int store__grow(void *items_ptr, size_t *cap, size_t len, size_t elem_size, struct sx_error *err);

/* Runs a single-row SELECT count(*)-like query into *out. */
int store__query_int64(int64_t *out, struct store_tx *tx, const char *sql,
		       const struct store__param *params, size_t count, struct sx_error *err);

/*
 * The WHERE clause of officer lists (store_officer_filter), shared by the
 * public list, its count and the staff list so that their totals agree.
 * $1 agency id (NULL = any); $2 the query as typed (NULL = none) for the
 * certificate prefix, compared with substr/length so that no character in it
 * is special; $3 the LIKE pattern of store__like_pattern for the name, with
 * '\' as the escape character. "CAST($n AS TEXT) IS NULL", not "$n IS NULL":
 * PostgreSQL must type every parameter it sees, and one under IS NULL gets no
 * type from it ("could not determine data type of parameter $1"), even when
 * another use of $n has one; the cast is a no-op on SQLite.
 */
#define STORE__OFFICER_FILTER_WHERE                                                                \
	" WHERE (CAST($1 AS TEXT) IS NULL OR o.agency_id = $1)"                                    \
	" AND (CAST($2 AS TEXT) IS NULL OR substr(o.cert_no, 1, length($2)) = $2"                  \
	" OR o.name LIKE $3 ESCAPE '\\')"

/*
 * "%<query with % _ \ escaped by \>%" in *out (sx_free), or NULL for no
 * query (NULL or ""). Worst case every byte is escaped: 2 * len + 3 bytes.
 */
int store__like_pattern(char **out, const char *query, struct sx_error *err);

/*
 * Every column of an officer row as read by store_officer_get, from the table
 * aliased "o", and the reader of those columns when they come first in a row
 * (store_officer.c; store_case.c joins them to a case's officers).
 */
#define STORE__OFFICER_COLUMNS                                                                     \
	"o.id, o.agency_id, o.name, o.cert_no, o.cert_type, o.field, o.valid_from, o.valid_to, "  \
	"o.status, o.id_number, o.user_id, o.created_at, o.created_by, o.photo_sha256"
void store__officer_from_row(struct store_officer *o, struct db_stmt *st);

/* SX_EINVALID for a NULL filter, limit < 1 or offset < 0. */
int store__officer_filter_check(const struct store_officer_filter *filter, struct sx_error *err);

/* The filter's query, or NULL when there is none. */
const char *store__officer_query(const struct store_officer_filter *filter);

#endif
