/* service/imports — see imports.h. */
#include "service/imports.h"

#include <stdio.h>
#include <string.h>

#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "service/ledger.h"

/* Adds a row error to the report (counted even past the listing limit). */
static int imports__row_error(struct import_report *report, size_t row_no, const char *column,
			      const char *code, const char *message)
{
	struct import_row_error *e;

	report->error_total++;
	if (report->error_count >= IMPORT_MAX_ERRORS)
		return 0;
	if (report->error_count % 16 == 0) {
		struct import_row_error *grown = sx_reallocarray(
			report->errors, report->error_count + 16, sizeof(*report->errors));

		if (grown == NULL)
			return SX_ENOMEM;
		report->errors = grown;
	}
	e = &report->errors[report->error_count++];
	memset(e, 0, sizeof(*e));
	e->row_no = row_no;
	snprintf(e->column, sizeof(e->column), "%s", column);
	snprintf(e->code, sizeof(e->code), "%s", code);
	snprintf(e->message, sizeof(e->message), "%s", message);
	return 0;
}

static int imports__rejected(struct import_report *report, struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];

	snprintf(message, sizeof(message), "导入未执行：文件中有 %zu 处错误，请按错误清单修改后重新导入",
		 report->error_total);
	return sx_error_set(err, SX_EINVALID, "import_rejected", message);
}

/* The agency of an import, checked for the actor: own agency, or admin. */
static int imports__agency(struct store_agency *agency, struct store_tx *tx,
			   const struct service_actor *actor, const char *agency_id,
			   struct sx_error *err)
{
	int rc;

	if (agency_id == NULL || agency_id[0] == '\0' || strlen(agency_id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "agency_not_found", "执法机关不存在");
	if ((rc = store_agency_get(agency, tx, agency_id, err)) < 0)
		return rc;
	if (actor->role != ACCOUNT_ROLE_ADMIN && strcmp(actor->agency_id, agency->id) != 0)
		return sx_error_set(err, SX_EPERM, "forbidden", "只能向本机关导入数据");
	if (!agency->active)
		return sx_error_set(err, SX_EINVALID, "agency_inactive", "该机关已停用，不能导入");
	return 0;
}

/* The CSV row of the i-th record: the report of a clean parse has no row
 * numbers, so the importer counts data rows from the header (row 1) on.
 * import_officers_parse keeps records in file order and skips nothing but
 * empty lines, which is why the row is looked up rather than computed. */
static size_t imports__row_of(const size_t *rows, size_t i)
{
	return rows ? rows[i] : i + 2;
}

int service_import_officers(struct import_result *result, size_t *imported,
			    const struct service *svc, const struct service_actor *actor,
			    const char *agency_id, const char *data, size_t len,
			    import_progress_fn progress, void *ctx, struct sx_error *err)
{
	struct store_agency agency;
	struct store_tx *tx = NULL;
	char now[SX_TIME_TEXT_LEN];
	char count_text[24];
	int rc;

	*imported = 0;
	memset(result, 0, sizeof(*result));
	if (!account_can_manage_officers(actor->role))
		return sx_error_set(err, SX_EPERM, "forbidden", "只有机关负责人或系统管理员可以导入执法人员");
	if ((rc = import_officers_parse(result, data, len, NULL, progress, ctx, err)) < 0)
		return rc;
	sx_time_format_utc(now, sx_time_now_us());
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0 ||
	    (rc = imports__agency(&agency, tx, actor, agency_id, err)) < 0)
		goto cleanup;
	/* Certificate numbers are unique across all agencies: check every row
	 * against the register before writing any, so the report is complete. */
	for (size_t i = 0; i < result->officer_count; i++) {
		struct store_officer existing;
		const struct officer_record *r = &result->officers[i];
		char message[256];

		rc = store_officer_get_by_cert(&existing, tx, r->cert_no, err);
		if (rc == SX_ENOTFOUND)
			continue;
		if (rc < 0)
			goto cleanup;
		snprintf(message, sizeof(message), "第 %zu 行 执法证号：%s 已被登记", i + 2, r->cert_no);
		if ((rc = imports__row_error(&result->report, imports__row_of(NULL, i), "执法证号",
					     "cert_no_taken", message)) < 0) {
			rc = sx_error_set(err, rc, NULL, NULL);
			goto cleanup;
		}
	}
	if (result->report.error_total > 0) {
		rc = imports__rejected(&result->report, err);
		goto cleanup;
	}
	for (size_t i = 0; i < result->officer_count; i++) {
		const struct officer_record *r = &result->officers[i];
		struct store_officer o;

		memset(&o, 0, sizeof(o));
		if ((rc = sx_id_new(o.id)) < 0) {
			rc = sx_error_set(err, rc, NULL, NULL);
			goto cleanup;
		}
		snprintf(o.agency_id, sizeof(o.agency_id), "%s", agency.id);
		snprintf(o.name, sizeof(o.name), "%s", r->name);
		snprintf(o.cert_no, sizeof(o.cert_no), "%s", r->cert_no);
		snprintf(o.cert_type, sizeof(o.cert_type), "%s", r->cert_type);
		snprintf(o.field, sizeof(o.field), "%s", r->field);
		snprintf(o.valid_from, sizeof(o.valid_from), "%s", r->valid_from);
		snprintf(o.valid_to, sizeof(o.valid_to), "%s", r->valid_to);
		snprintf(o.status, sizeof(o.status), "%s", r->status);
		snprintf(o.id_number, sizeof(o.id_number), "%s", r->id_number);
		snprintf(o.created_at, sizeof(o.created_at), "%s", now);
		snprintf(o.created_by, sizeof(o.created_by), "%s", actor->user_id);
		if ((rc = store_officer_insert(tx, &o, err)) < 0)
			goto cleanup;
		{
			/* As for one officer: the certificate is public, the ID
			 * number never enters the log. */
			const char *const fields[] = {"agency_id", o.agency_id, "cert_no", o.cert_no,
						      "via", "import", NULL};

			if ((rc = service_ledger_record_fields(NULL, svc, tx, "officer.create", o.id,
							       fields, err)) < 0)
				goto cleanup;
		}
	}
	snprintf(count_text, sizeof(count_text), "%zu", result->officer_count);
	{
		struct store_audit ev = {actor->user_id, "officer.import", "agency", agency.id,
					 count_text};

		if ((rc = store_audit_append(tx, &ev, err)) < 0)
			goto cleanup;
	}
	rc = store_commit(tx, err);
	tx = NULL;
	if (rc == 0)
		*imported = result->officer_count;
cleanup:
	store_rollback(tx);
	return rc;
}

/* Merges the file's matters into the base list: replace by code, else append.
 * *out is a new array of deep copies (caller clears each and frees it). */
static int imports__merge(struct matter **out, size_t *count, const struct service_list *base,
			  const struct import_result *file, struct sx_error *err)
{
	size_t cap = base->count + file->matter_count, n = 0;
	struct matter *items;
	int rc = 0;

	*out = NULL;
	*count = 0;
	if (cap == 0)
		return 0;
	if ((items = sx_calloc(cap, sizeof(*items))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < base->count && rc == 0; i++) {
		const struct matter *src = &base->items[i];

		for (size_t k = 0; k < file->matter_count; k++) {
			if (strcmp(file->matters[k].code, src->code) == 0) {
				src = &file->matters[k];
				break;
			}
		}
		if ((rc = matter_copy(&items[n], src)) == 0)
			n++;
	}
	for (size_t k = 0; k < file->matter_count && rc == 0; k++) {
		bool known = false;

		for (size_t i = 0; i < base->count; i++)
			known = known || strcmp(base->items[i].code, file->matters[k].code) == 0;
		if (!known && (rc = matter_copy(&items[n], &file->matters[k])) == 0)
			n++;
	}
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			matter_clear(&items[i]);
		sx_free(items);
		return sx_error_set(err, rc, NULL, NULL);
	}
	*out = items;
	*count = n;
	return 0;
}

int service_import_matters(struct service_list_version *out, struct import_result *result,
			   const struct service *svc, const struct service_actor *actor,
			   const char *agency_id, const char *data, size_t len,
			   const char *effective_from, const char *summary,
			   import_progress_fn progress, void *ctx, struct sx_error *err)
{
	struct service_list_version *versions = NULL;
	size_t version_count = 0;
	struct service_list base;
	struct matter *merged = NULL;
	size_t merged_count = 0;
	int rc;

	memset(result, 0, sizeof(*result));
	memset(&base, 0, sizeof(base));
	if (!account_can_draft_lists(actor->role))
		return sx_error_set(err, SX_EPERM, "forbidden", "您无权修改执法事项清单");
	if ((rc = import_matters_parse(result, data, len, NULL, progress, ctx, err)) < 0)
		return rc;
	/* The base is the latest approved version, in force or not yet. */
	if ((rc = service_list__approved_versions(&versions, &version_count, svc, agency_id, err)) <
	    0)
		goto cleanup;
	if (version_count > 0 &&
	    (rc = service_list_get(&base, svc, actor, agency_id, versions[0].version,
				   SERVICE_LIST_ALL, NULL, err)) < 0)
		goto cleanup;
	if ((rc = imports__merge(&merged, &merged_count, &base, result, err)) < 0)
		goto cleanup;
	rc = service_list_submit(out, svc, actor, agency_id, effective_from, summary, merged,
				 merged_count, err);
cleanup:
	for (size_t i = 0; i < merged_count; i++)
		matter_clear(&merged[i]);
	sx_free(merged);
	service_list_clear(&base);
	sx_free(versions);
	return rc;
}
