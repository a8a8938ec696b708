/*
 * store/store_officer — the staff side of the officer register (see store.h,
 * "officers: staff side"): whole officer rows by id, by linked account and as
 * a paged list, their changeable columns, and officer photos (sql 0006).
 *
 * Invariants: these functions return id_number, so nothing here is for the
 * public; the public list stays in store_registry.c, whose query never
 * selects it. Search text is always a bound parameter; LIKE patterns are
 * built by escaping the user's text in C, never by pasting it into SQL.
 * Photos are content-addressed and immutable: a put of a known hash writes
 * nothing (ON CONFLICT DO NOTHING, shared by SQLite ≥ 3.24 and PostgreSQL
 * ≥ 9.5), and the table refuses UPDATE and DELETE.
 *
 * What it does not do: no permission checks, no masking, no hashing — the
 * service does those.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"
#include "store/store_internal.h"

void store__officer_from_row(struct store_officer *o, struct db_stmt *st)
{
	memset(o, 0, sizeof(*o));
	store__column_copy(o->id, sizeof(o->id), st, 0);
	store__column_copy(o->agency_id, sizeof(o->agency_id), st, 1);
	store__column_copy(o->name, sizeof(o->name), st, 2);
	store__column_copy(o->cert_no, sizeof(o->cert_no), st, 3);
	store__column_copy(o->cert_type, sizeof(o->cert_type), st, 4);
	store__column_copy(o->field, sizeof(o->field), st, 5);
	store__column_copy(o->valid_from, sizeof(o->valid_from), st, 6);
	store__column_copy(o->valid_to, sizeof(o->valid_to), st, 7);
	store__column_copy(o->status, sizeof(o->status), st, 8);
	store__column_copy(o->id_number, sizeof(o->id_number), st, 9);
	store__column_copy(o->user_id, sizeof(o->user_id), st, 10);
	store__column_copy(o->created_at, sizeof(o->created_at), st, 11);
	store__column_copy(o->created_by, sizeof(o->created_by), st, 12);
	store__column_copy(o->photo_sha256, sizeof(o->photo_sha256), st, 13);
}

static int officer__not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "officer_not_found", "未找到该执法人员");
}

/* Runs a query that selects STORE__OFFICER_COLUMNS and expects at most one row. */
static int officer__get_one(struct store_officer *out, struct store_tx *tx, const char *sql,
			    const char *param, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	int rc;

	if (param == NULL || param[0] == '\0')
		return officer__not_found(err);
	if ((rc = store__query(&st, tx, sql, STORE__PARAMS(P_TEXT(param)), err)) < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		store__officer_from_row(out, st);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = officer__not_found(err);
	}
	db_finish(st);
	return rc;
}

int store_officer_get(struct store_officer *out, struct store_tx *tx, const char *id,
		      struct sx_error *err)
{
	return officer__get_one(out, tx,
				"SELECT " STORE__OFFICER_COLUMNS " FROM officer o WHERE o.id = $1", id,
				err);
}

int store_officer_by_user(struct store_officer *out, struct store_tx *tx, const char *user_id,
			  struct sx_error *err)
{
	return officer__get_one(out, tx,
				"SELECT " STORE__OFFICER_COLUMNS " FROM officer o WHERE o.user_id = $1 "
				"ORDER BY o.cert_no LIMIT 1",
				user_id, err);
}

int store_officer_update(struct store_tx *tx, const struct store_officer *o,
			 struct sx_error *err)
{
	int64_t changed = 0;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	rc = store__exec(tx, &changed,
			 "UPDATE officer SET name = $2, cert_type = $3, field = $4, valid_from = $5, "
			 "valid_to = $6, status = $7, user_id = $8, photo_sha256 = $9 WHERE id = $1",
			 STORE__PARAMS(P_TEXT(o->id), P_TEXT(o->name), P_TEXT(o->cert_type),
				       P_TEXT(o->field), P_TEXT(o->valid_from), P_TEXT(o->valid_to),
				       P_TEXT(o->status), P_OPT_TEXT(o->user_id),
				       P_OPT_TEXT(o->photo_sha256)),
			 err);
	if (rc < 0)
		return rc;
	if (changed == 0)
		return officer__not_found(err);
	return 0;
}

int store_officer_list_staff(struct store_officer **out, size_t *count, struct store_tx *tx,
			     const struct store_officer_filter *filter, struct sx_error *err)
{
	struct store_officer *items = NULL;
	size_t len = 0, cap = 0;
	struct db_stmt *st = NULL;
	char *pattern = NULL;
	const char *query;
	int rc;

	*out = NULL;
	*count = 0;
	if ((rc = store__officer_filter_check(filter, err)) < 0)
		return rc;
	query = store__officer_query(filter);
	if ((rc = store__like_pattern(&pattern, query, err)) < 0)
		return rc;
	rc = store__query(&st, tx,
			  "SELECT " STORE__OFFICER_COLUMNS " FROM officer o" STORE__OFFICER_FILTER_WHERE
			  " ORDER BY o.cert_no LIMIT $4 OFFSET $5",
			  STORE__PARAMS(P_TEXT(filter->agency_id), P_TEXT(query), P_TEXT(pattern),
					P_INT(filter->limit), P_INT(filter->offset)),
			  err);
	if (rc < 0)
		goto cleanup;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if ((rc = store__grow(&items, &cap, len, sizeof(*items), err)) < 0)
			goto cleanup;
		store__officer_from_row(&items[len++], st);
	}
	if (rc < 0)
		goto cleanup;
	rc = 0;
	*out = items;
	*count = len;
	items = NULL;
cleanup:
	db_finish(st);
	sx_free(items);
	sx_free(pattern);
	return rc;
}

/* ---- photos ---- */

int store_officer_photo_put(struct store_tx *tx, const struct store_officer_photo *p,
			    struct sx_error *err)
{
	size_t text_size;
	char *text = NULL;
	int rc;

	if ((rc = store__require_write(tx, err)) < 0)
		return rc;
	if (p == NULL || p->data == NULL || p->size_bytes == 0 ||
	    p->size_bytes > STORE_PHOTO_MAX_BYTES)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	/* ≤ 512 KiB: the encoded length cannot overflow. */
	text_size = codec_base64_encoded_len(p->size_bytes) + 1;
	text = sx_malloc(text_size);
	if (text == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if ((rc = codec_base64_encode(text, text_size, p->data, p->size_bytes)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	rc = store__exec(tx, NULL,
			 "INSERT INTO officer_photo (sha256, content_type, size_bytes, data_base64, "
			 "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) "
			 "ON CONFLICT (sha256) DO NOTHING",
			 STORE__PARAMS(P_TEXT(p->sha256), P_TEXT(p->content_type),
				       P_INT(p->size_bytes), P_TEXT(text), P_TEXT(p->created_at),
				       P_TEXT(p->created_by)),
			 err);
cleanup:
	sx_free(text);
	return rc;
}

int store_officer_photo_get(struct store_officer_photo *out, struct store_tx *tx,
			    const char *sha256, struct sx_error *err)
{
	struct db_stmt *st = NULL;
	unsigned char *data = NULL;
	const char *text;
	size_t text_len, decoded = 0;
	int64_t size;
	int rc;

	memset(out, 0, sizeof(*out));
	if (sha256 == NULL || sha256[0] == '\0')
		return sx_error_set(err, SX_ENOTFOUND, "photo_not_found", "照片不存在");
	rc = store__query(&st, tx,
			  "SELECT sha256, content_type, size_bytes, data_base64, created_at, "
			  "created_by FROM officer_photo WHERE sha256 = $1",
			  STORE__PARAMS(P_TEXT(sha256)), err);
	if (rc < 0)
		return rc;
	rc = db_step(st, err);
	if (rc == DB_DONE) {
		rc = sx_error_set(err, SX_ENOTFOUND, "photo_not_found", "照片不存在");
		goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	size = db_column_int64(st, 2);
	text = db_column_text(st, 3);
	text_len = db_column_bytes(st, 3);
	if (size < 1 || size > (int64_t)STORE_PHOTO_MAX_BYTES || text == NULL) {
		rc = sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "officer_photo %s: size %lld",
				   sha256, (long long)size);
		goto cleanup;
	}
	data = sx_malloc((size_t)size);
	if (data == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}
	if (codec_base64_decode(data, (size_t)size, &decoded, text, text_len) < 0 ||
	    decoded != (size_t)size) {
		rc = sx_error_setf(err, SX_ECORRUPT, NULL, NULL,
				   "officer_photo %s: data does not decode to %lld bytes", sha256,
				   (long long)size);
		goto cleanup;
	}
	store__column_copy(out->sha256, sizeof(out->sha256), st, 0);
	store__column_copy(out->content_type, sizeof(out->content_type), st, 1);
	store__column_copy(out->created_at, sizeof(out->created_at), st, 4);
	store__column_copy(out->created_by, sizeof(out->created_by), st, 5);
	out->size_bytes = decoded;
	out->data = data;
	data = NULL;
	rc = 0;
cleanup:
	db_finish(st);
	sx_free(data);
	return rc;
}

void store_officer_photo_clear(struct store_officer_photo *p)
{
	if (p == NULL)
		return;
	sx_free(p->data);
	memset(p, 0, sizeof(*p));
}
