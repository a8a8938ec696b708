/* service/agencies — see agencies.h. */
#include "service/agencies.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/id.h"
#include "base/mem.h"
#include "base/time.h"
#include "domain/idcheck.h"
#include "service/ledger.h"

/* Parents are followed at most this far when looking for a cycle: deeper
 * than 省 → 市 → 县 → 乡镇 with room to spare. */
#define AGENCIES_MAX_DEPTH 16

static const char *agencies__text(const char *s)
{
	return s ? s : "";
}

/* A text field: valid UTF-8, under its size, no control characters except
 * line breaks where multiline. */
static int agencies__check_text(const char *s, size_t size, bool multiline, const char *label,
				struct sx_error *err)
{
	char message[SX_ERROR_MESSAGE_MAX];
	size_t len = strlen(s);
	bool ok = len < size && codec_is_valid_utf8(s, len);

	for (size_t i = 0; ok && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r'))) || c == 0x7f)
			ok = false;
	}
	if (ok)
		return 0;
	snprintf(message, sizeof(message), "%s过长（最多 %zu 字节）或含有控制字符", label, size - 1);
	return sx_error_set(err, SX_EINVALID, "bad_text", message);
}

/* The region code must be of the agency's level (see the header comment). */
static int agencies__check_region(const char *level, const char *region, struct sx_error *err)
{
	enum idcheck_region_level got, want;

	if (idcheck_region_code(&got, region, strlen(region)) < 0)
		return sx_error_set(err, SX_EINVALID, "bad_region_code",
				    "行政区划代码应为 6 位 GB/T 2260 代码");
	want = strcmp(level, "province") == 0 ? IDCHECK_REGION_PROVINCE
	       : strcmp(level, "city") == 0   ? IDCHECK_REGION_CITY
					      : IDCHECK_REGION_COUNTY;
	if (got != want)
		return sx_error_set(err, SX_EINVALID, "bad_region_code",
				    "行政区划代码与机关层级不符（省级为 xx0000，市级为 xxyy00，"
				    "县级和乡镇级为所在县级代码）");
	return 0;
}

/* Checks the input and copies it onto a (all fields but id, credit code and
 * the creation stamps). */
static int agencies__apply(struct store_agency *a, const struct service_agency_input *in,
			   struct sx_error *err)
{
	const char *level = agencies__text(in->level);
	int rc;

	if ((rc = account_check_display_name(in->name, err)) < 0)
		return sx_error_set(err, SX_EINVALID, "invalid_name",
				    "机关名称须为 1–192 字节（约 64 个汉字），且不含控制字符");
	if (strcmp(level, "province") != 0 && strcmp(level, "city") != 0 &&
	    strcmp(level, "county") != 0 && strcmp(level, "township") != 0)
		return sx_error_set(err, SX_EINVALID, "bad_level",
				    "层级应为 province、city、county 或 township");
	if ((rc = agencies__check_region(level, agencies__text(in->region_code), err)) < 0 ||
	    (rc = agencies__check_text(agencies__text(in->duties), sizeof(a->duties), true,
				       "主要职责", err)) < 0 ||
	    (rc = agencies__check_text(agencies__text(in->address), sizeof(a->address), false,
				       "办公地址", err)) < 0 ||
	    (rc = agencies__check_text(agencies__text(in->phone), sizeof(a->phone), false,
				       "联系电话", err)) < 0 ||
	    (rc = agencies__check_text(agencies__text(in->complaint_channel),
				       sizeof(a->complaint_channel), true, "投诉举报渠道", err)) < 0)
		return rc;
	if (strlen(agencies__text(in->parent_id)) >= sizeof(a->parent_id))
		return sx_error_set(err, SX_EINVALID, "bad_parent", "上级机关不存在");
	snprintf(a->name, sizeof(a->name), "%s", in->name);
	snprintf(a->level, sizeof(a->level), "%s", level);
	snprintf(a->region_code, sizeof(a->region_code), "%s", in->region_code);
	snprintf(a->parent_id, sizeof(a->parent_id), "%s", agencies__text(in->parent_id));
	a->is_justice_bureau = in->is_justice_bureau;
	snprintf(a->duties, sizeof(a->duties), "%s", agencies__text(in->duties));
	snprintf(a->address, sizeof(a->address), "%s", agencies__text(in->address));
	snprintf(a->phone, sizeof(a->phone), "%s", agencies__text(in->phone));
	snprintf(a->complaint_channel, sizeof(a->complaint_channel), "%s",
		 agencies__text(in->complaint_channel));
	return 0;
}

/* The parent exists, and walking up from it never reaches a (no cycle).
 * scratch: room for one row (rows are a few KiB: off the stack). */
static int agencies__check_parent(struct store_tx *tx, const struct store_agency *a,
				  struct store_agency *scratch, struct sx_error *err)
{
	char next[STORE_ID_SIZE];
	int rc;

	snprintf(next, sizeof(next), "%s", a->parent_id);
	for (int depth = 0; next[0] != '\0'; depth++) {
		if (strcmp(next, a->id) == 0 || depth == AGENCIES_MAX_DEPTH)
			return sx_error_set(err, SX_EINVALID, "bad_parent",
					    "上级机关不能是本机关或其下级机关");
		rc = store_agency_get(scratch, tx, next, err);
		if (rc == SX_ENOTFOUND)
			return sx_error_set(err, SX_EINVALID, "bad_parent", "上级机关不存在");
		if (rc < 0)
			return rc;
		snprintf(next, sizeof(next), "%s", scratch->parent_id);
	}
	return 0;
}

/* Audit and ledger events of a change to agency a. */
static int agencies__record(int64_t *ledger_index, const struct service *svc,
			    struct store_tx *tx, const struct service_actor *actor,
			    const char *kind, const struct store_agency *a, const char *detail,
			    struct sx_error *err)
{
	struct store_audit ev = {actor->user_id, kind, "agency", a->id, detail};
	/* Agencies are public: their name and code may stand in the public log. */
	const char *const fields[] = {"active",      a->active ? "1" : "0", "credit_code",
				      a->credit_code, "level", a->level, "name", a->name,
				      "region_code", a->region_code, NULL};
	uint64_t index = 0;
	int rc;

	if ((rc = store_audit_append(tx, &ev, err)) < 0 ||
	    (rc = service_ledger_record_fields(&index, svc, tx, kind, a->id, fields, err)) < 0)
		return rc;
	if (ledger_index)
		*ledger_index = (int64_t)index;
	return 0;
}

static int agencies__forbidden(struct sx_error *err)
{
	return sx_error_set(err, SX_EPERM, "forbidden", "只有系统管理员可以登记和修改执法机关");
}

/* Commits tx and reads the public view of id into out, from the primary
 * (the writer reads its own write, whatever a replica has replayed). */
static int agencies__finish(struct service_agency_public *out, const struct service *svc,
			    const struct service_actor *actor, struct store_tx *tx, const char *id,
			    struct sx_error *err)
{
	int rc = store_commit(tx, err);

	if (rc == 0 && out)
		rc = service_agency_get_for(out, svc, actor, id, err);
	return rc;
}

int service_agency_create(struct service_agency_public *out, int64_t *ledger_index,
			  const struct service *svc, const struct service_actor *actor,
			  const struct service_agency_input *in, struct sx_error *err)
{
	struct store_agency *rows = NULL, *a, *scratch;
	const char *code = agencies__text(in->credit_code);
	char reason[SX_ERROR_MESSAGE_MAX - 64];
	char message[SX_ERROR_MESSAGE_MAX];
	struct store_tx *tx = NULL;
	int rc;

	if (!account_can_manage_agencies(actor->role))
		return agencies__forbidden(err);
	if (idcheck_credit_code(code, strlen(code)) < 0) {
		idcheck_credit_code_explain(reason, sizeof(reason), code, strlen(code));
		snprintf(message, sizeof(message), "统一社会信用代码不正确：%s", reason);
		return sx_error_set(err, SX_EINVALID, "bad_credit_code", message);
	}
	if ((rows = sx_calloc(2, sizeof(*rows))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	a = &rows[0];
	scratch = &rows[1];
	if ((rc = agencies__apply(a, in, err)) < 0)
		goto cleanup;
	if ((rc = sx_id_new(a->id)) < 0) {
		rc = sx_error_set(err, rc, NULL, NULL);
		goto cleanup;
	}
	snprintf(a->credit_code, sizeof(a->credit_code), "%s", code);
	a->active = true;
	sx_time_format_utc(a->created_at, sx_time_now_us());
	snprintf(a->created_by, sizeof(a->created_by), "%s", actor->user_id);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0 ||
	    (rc = agencies__check_parent(tx, a, scratch, err)) < 0 ||
	    (rc = store_agency_insert(tx, a, err)) < 0 ||
	    (rc = agencies__record(ledger_index, svc, tx, actor, "agency.create", a, NULL, err)) <
		    0)
		goto cleanup;
	rc = agencies__finish(out, svc, actor, tx, a->id, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	sx_free(rows);
	return rc;
}

int service_agency_update(struct service_agency_public *out, int64_t *ledger_index,
			  const struct service *svc, const struct service_actor *actor,
			  const char *id, const struct service_agency_input *in,
			  struct sx_error *err)
{
	struct store_agency *rows = NULL, *a, *scratch;
	struct store_tx *tx = NULL;
	int rc;

	if (!account_can_manage_agencies(actor->role))
		return agencies__forbidden(err);
	if (id == NULL || id[0] == '\0' || strlen(id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "not_found", "执法机关不存在");
	if ((rows = sx_calloc(2, sizeof(*rows))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	a = &rows[0];
	scratch = &rows[1];
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto cleanup;
	rc = store_agency_get(a, tx, id, err);
	if (rc == SX_ENOTFOUND)
		rc = sx_error_set(err, SX_ENOTFOUND, "not_found", "执法机关不存在");
	if (rc < 0 || (rc = agencies__apply(a, in, err)) < 0 ||
	    (rc = agencies__check_parent(tx, a, scratch, err)) < 0 ||
	    (rc = store_agency_update(tx, a, err)) < 0 ||
	    (rc = agencies__record(ledger_index, svc, tx, actor, "agency.update", a, NULL, err)) <
		    0)
		goto cleanup;
	rc = agencies__finish(out, svc, actor, tx, a->id, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	sx_free(rows);
	return rc;
}

int service_agency_set_active(struct service_agency_public *out, int64_t *ledger_index,
			      const struct service *svc, const struct service_actor *actor,
			      const char *id, bool active, const char *reason,
			      struct sx_error *err)
{
	struct store_agency *a = NULL;
	struct store_tx *tx = NULL;
	const char *why = agencies__text(reason);
	bool blank = true;
	int rc;

	if (!account_can_manage_agencies(actor->role))
		return agencies__forbidden(err);
	for (const char *p = why; *p; p++)
		blank = blank && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r');
	if (!active && blank)
		return sx_error_set(err, SX_EINVALID, "reason_required", "停用机关须写明理由");
	if ((rc = agencies__check_text(why, 513, true, "理由", err)) < 0)
		return rc;
	if (id == NULL || id[0] == '\0' || strlen(id) >= STORE_ID_SIZE)
		return sx_error_set(err, SX_ENOTFOUND, "not_found", "执法机关不存在");
	if ((a = sx_calloc(1, sizeof(*a))) == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	if ((rc = store_begin(&tx, svc->store, STORE_TX_WRITE, err)) < 0)
		goto cleanup;
	rc = store_agency_get(a, tx, id, err);
	if (rc == SX_ENOTFOUND)
		rc = sx_error_set(err, SX_ENOTFOUND, "not_found", "执法机关不存在");
	if (rc < 0)
		goto cleanup;
	if (a->active == active) {
		rc = sx_error_set(err, SX_ECONFLICT, "state_unchanged",
				  active ? "该机关已在用" : "该机关已停用");
		goto cleanup;
	}
	a->active = active;
	if ((rc = store_agency_update(tx, a, err)) < 0 ||
	    (rc = agencies__record(ledger_index, svc, tx, actor,
				   active ? "agency.activate" : "agency.deactivate", a, why, err)) <
		    0)
		goto cleanup;
	rc = agencies__finish(out, svc, actor, tx, a->id, err);
	tx = NULL;
cleanup:
	store_rollback(tx);
	sx_free(a);
	return rc;
}
