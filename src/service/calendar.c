/*
 * service/calendar — see calendar.h.
 */
#include "service/calendar.h"

#include <stdio.h>
#include <string.h>

#include "base/embedded.h"
#include "base/mem.h"
#include "base/time.h"
#include "crypto/hash.h"
#include "service/ledger.h"
#include "store/store_calendar.h"

static int calendar__forbidden(struct sx_error *err)
{
	return sx_error_set(err, SX_EPERM, "forbidden", "您的角色无权导入节假日安排");
}

/* Adds the built-in years to an empty cal. */
static int calendar__add_builtin(struct calendar *cal, struct sx_error *err)
{
	const struct embedded_asset *asset = embedded_asset_find(SERVICE_CALENDAR_ASSET);
	struct sx_error inner;
	int rc;

	if (asset == NULL)
		return sx_error_setf(err, SX_EINTERNAL, "calendar_data_missing",
				     "本程序未内置节假日数据，无法计算工作日",
				     "embedded asset %s missing (cmake/embed.cmake)",
				     SERVICE_CALENDAR_ASSET);
	sx_error_clear(&inner);
	rc = calendar_load_json(cal, NULL, asset->data, asset->size_bytes, CALENDAR_LOAD_ADD,
				&inner);
	if (rc == SX_ENOMEM)
		return sx_error_set(err, rc, NULL, NULL);
	if (rc < 0)
		return sx_error_setf(err, SX_EINTERNAL, "calendar_data_missing",
				     "本程序内置的节假日数据无效，无法计算工作日",
				     "embedded %s: %s %s", SERVICE_CALENDAR_ASSET, inner.code,
				     inner.message);
	return 0;
}

struct calendar__load_ctx {
	struct calendar *cal;
	struct sx_error *err;
};

static int calendar__add_imported(const struct store_calendar_year *row, void *ctx)
{
	struct calendar__load_ctx *load = ctx;
	struct sx_error inner;
	int rc;

	sx_error_clear(&inner);
	rc = calendar_load_json(load->cal, NULL, row->data, row->data_len, CALENDAR_LOAD_REPLACE,
				&inner);
	if (rc == SX_ENOMEM)
		return sx_error_set(load->err, rc, NULL, NULL);
	if (rc < 0) {
		/* Room for the inner message whole; sx_error_set cuts it to size. */
		char message[2 * SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message), "数据库中导入的 %d 年节假日安排无法使用：%s",
			 row->year, inner.message);
		return sx_error_setf(load->err, SX_ECORRUPT, "calendar_data_corrupt", message,
				     "calendar_year %d: %s", row->year, inner.code);
	}
	return 0;
}

/* Adds the imported years stored in tx to cal. */
static int calendar__add_stored(struct calendar *cal, struct store_tx *tx, struct sx_error *err)
{
	struct calendar__load_ctx load = {cal, err};

	return store_calendar_year_each(tx, calendar__add_imported, &load, err);
}

int service_calendar_load_builtin(struct calendar *out, struct sx_error *err)
{
	int rc;

	if (out == NULL)
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	calendar_init(out);
	if ((rc = calendar__add_builtin(out, err)) < 0)
		calendar_clear(out);
	return rc;
}

int service_calendar_load(struct calendar *out, const struct service *svc, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	int rc;

	if ((rc = service_calendar_load_builtin(out, err)) < 0)
		return rc;
	if (svc == NULL || svc->store == NULL)
		return 0;
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ, err)) < 0)
		goto cleanup;
	rc = calendar__add_stored(out, tx, err);
cleanup:
	store_rollback(tx);
	if (rc < 0)
		calendar_clear(out);
	return rc;
}

int service_calendar_import(struct service_calendar_import *out, const struct service *svc,
			    const struct service_actor *actor, const char *text, size_t len,
			    struct sx_error *err)
{
	struct service_calendar_import result;
	struct calendar_file_info info;
	struct calendar file, known;
	struct store_calendar_year row;
	struct store_tx *tx = NULL;
	char *copy = NULL;
	char year_text[8];
	char entity[32];
	int rc;

	calendar_init(&file);
	calendar_init(&known);
	if (svc == NULL || svc->store == NULL || actor == NULL || (text == NULL && len > 0))
		return sx_error_set(err, SX_EINVALID, NULL, NULL);
	if (actor->role != ACCOUNT_ROLE_ADMIN)
		return calendar__forbidden(err);
	/* Validate the file on its own first: its errors are the useful ones. */
	if ((rc = calendar_load_json(&file, &info, text, len, CALENDAR_LOAD_ADD, err)) < 0)
		goto cleanup;
	if (info.first_year != info.last_year) {
		char message[SX_ERROR_MESSAGE_MAX];

		snprintf(message, sizeof(message),
			 "一次只能导入一年的节假日安排，该文件含 %d—%d 年", info.first_year,
			 info.last_year);
		rc = sx_error_set(err, SX_EINVALID, "calendar_import_one_year", message);
		goto cleanup;
	}
	memset(&result, 0, sizeof(result));
	result.year = info.first_year;
	snprintf(result.source, sizeof(result.source), "%s", info.source);
	if ((rc = crypto_hash_hex(result.sha256, CRYPTO_HASH_SHA256, text, len)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	/* The parse proved the text holds no NUL, so a C string carries it whole. */
	if ((copy = sx_strndup(text, len)) == NULL) {
		rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
		goto cleanup;
	}

	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto cleanup;
	/* What is known now, inside the write transaction, so that two imports
	 * cannot both pass the gap check. */
	if ((rc = calendar__add_builtin(&known, err)) < 0 ||
	    (rc = calendar__add_stored(&known, tx, err)) < 0)
		goto cleanup;
	if ((rc = calendar_load_json(&known, NULL, text, len, CALENDAR_LOAD_ADD, err)) < 0)
		goto cleanup;

	memset(&row, 0, sizeof(row));
	row.year = result.year;
	row.data = copy;
	row.data_len = len;
	snprintf(row.source, sizeof(row.source), "%s", info.source);
	sx_time_format_utc(row.imported_at, sx_time_now_us());
	snprintf(row.imported_by, sizeof(row.imported_by), "%s", actor->user_id);
	snprintf(year_text, sizeof(year_text), "%d", result.year);
	snprintf(entity, sizeof(entity), "calendar/%d", result.year);
	if ((rc = store_calendar_year_insert(tx, &row, err)) < 0)
		goto cleanup;
	{
		struct store_audit ev = {actor->user_id, "calendar.import", "calendar_year",
					 year_text, result.sha256};
		const char *const fields[] = {"by", actor->user_id, "sha256", result.sha256,
					      "source", info.source, "year", year_text, NULL};

		if ((rc = store_audit_append(tx, &ev, err)) < 0 ||
		    (rc = service_ledger_record_fields(&result.ledger_index, svc, tx,
						       "calendar.import", entity, fields, err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == 0 && out)
		*out = result;
cleanup:
	store_rollback(tx);
	sx_free(copy);
	calendar_clear(&file);
	calendar_clear(&known);
	return rc;
}
