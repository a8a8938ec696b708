/* service/registry — see registry.h. */
#include "service/registry.h"

#include <stdio.h>
#include <string.h>

#include "base/codec.h"
#include "base/mem.h"
#include "base/time.h"
#include "domain/officer.h"

/* Today's calendar date in Asia/Shanghai: validity is a matter of the date
 * where the officer stands. */
static void registry__today(char out[11])
{
	int y, m, d;

	sx_time_shanghai_date(&y, &m, &d, sx_time_now_us());
	sx_date_format(out, y, m, d);
}

/* Whether id can be an agency id at all (ids are ULIDs: 26 ASCII letters and
 * digits); anything else is not looked up. */
static bool registry__id_is_plausible(const char *id)
{
	size_t len;

	if (id == NULL)
		return false;
	len = strlen(id);
	if (len == 0 || len >= STORE_ID_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return false;
	}
	return true;
}

static int registry__agency_not_found(struct sx_error *err)
{
	return sx_error_set(err, SX_ENOTFOUND, "not_found", "执法机关不存在");
}

int service_agency_list_public(struct service_agency **out, size_t *count,
			       const struct service *svc, struct sx_error *err)
{
	return service_agency_list_for(out, count, svc, NULL, err);
}

int service_agency_list_for(struct service_agency **out, size_t *count, const struct service *svc,
			    const struct service_actor *actor, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency *rows = NULL;
	struct service_agency *items = NULL;
	size_t n = 0, kept = 0;
	int rc;

	*out = NULL;
	*count = 0;
	/* Staff read their own writes (the primary); the public may read a replica. */
	if ((rc = store_begin(&tx, svc->store, actor ? STORE_TX_READ : STORE_TX_READ_PUBLIC, err)) <
	    0)
		return rc;
	rc = store_agency_list(&rows, &n, tx, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	items = sx_calloc(n ? n : 1, sizeof(*items));
	if (items == NULL) {
		sx_free(rows);
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct service_agency *a = &items[kept];

		if (!rows[i].active)
			continue;
		snprintf(a->id, sizeof(a->id), "%s", rows[i].id);
		snprintf(a->name, sizeof(a->name), "%s", rows[i].name);
		snprintf(a->credit_code, sizeof(a->credit_code), "%s", rows[i].credit_code);
		snprintf(a->level, sizeof(a->level), "%s", rows[i].level);
		snprintf(a->region_code, sizeof(a->region_code), "%s", rows[i].region_code);
		snprintf(a->parent_id, sizeof(a->parent_id), "%s", rows[i].parent_id);
		kept++;
	}
	sx_free(rows);
	*out = items;
	*count = kept;
	return 0;
}

int service_officer_verify(struct service_officer_public *out, const struct service *svc,
			   const char *cert_no, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_officer officer;
	struct store_agency agency;
	enum officer_credential_state state;
	int rc;

	memset(out, 0, sizeof(*out));
	if (cert_no == NULL || !officer_cert_no_is_well_formed(cert_no, strlen(cert_no)))
		return sx_error_set(err, SX_EINVALID, "bad_cert_no",
				    "执法证号格式不正确（应为 4–32 位数字或字母）");
	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ_PUBLIC, err)) < 0)
		return rc;
	rc = store_officer_get_by_cert(&officer, tx, cert_no, err);
	if (rc == 0)
		rc = store_agency_get(&agency, tx, officer.agency_id, err);
	store_rollback(tx);
	if (rc < 0)
		return rc;
	registry__today(out->checked_on);
	if (officer_credential_state(&state, officer.status, officer.valid_from, officer.valid_to,
				     out->checked_on) < 0)
		return sx_error_setf(err, SX_ECORRUPT, NULL, NULL, "officer %s: bad status or dates",
				     officer.id);
	snprintf(out->name, sizeof(out->name), "%s", officer.name);
	snprintf(out->cert_no, sizeof(out->cert_no), "%s", officer.cert_no);
	snprintf(out->cert_type, sizeof(out->cert_type), "%s", officer.cert_type);
	snprintf(out->field, sizeof(out->field), "%s", officer.field);
	snprintf(out->agency_id, sizeof(out->agency_id), "%s", agency.id);
	snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency.name);
	snprintf(out->valid_from, sizeof(out->valid_from), "%s", officer.valid_from);
	snprintf(out->valid_to, sizeof(out->valid_to), "%s", officer.valid_to);
	snprintf(out->status, sizeof(out->status), "%s", officer.status);
	snprintf(out->photo_sha256, sizeof(out->photo_sha256), "%s", officer.photo_sha256);
	out->state = (int)state;
	return 0;
}

const char *service_agency_level_label(const char *level)
{
	static const struct {
		const char *word;
		const char *label;
	} levels[] = {
		{"province", "省级"},
		{"city", "市级"},
		{"county", "县级"},
		{"township", "乡镇级"},
	};

	for (size_t i = 0; level && i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (strcmp(levels[i].word, level) == 0)
			return levels[i].label;
	}
	return "";
}

/* service_agency_get_public, read in a transaction of that mode. */
static int registry__agency_get(struct service_agency_public *out, const struct service *svc,
				const char *id, enum store_tx_mode mode, struct sx_error *err)
{
	struct store_tx *tx = NULL;
	struct store_agency *agency = NULL, *parent = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!registry__id_is_plausible(id))
		return registry__agency_not_found(err);
	/* Two rows of a few KiB each: off the request thread's stack. */
	agency = sx_calloc(2, sizeof(*agency));
	if (agency == NULL)
		return sx_error_set(err, SX_ENOMEM, NULL, NULL);
	parent = &agency[1];
	if ((rc = store_begin(&tx, svc->store, mode, err)) < 0)
		goto cleanup;
	rc = store_agency_get(agency, tx, id, err);
	if (rc == SX_ENOTFOUND) {
		rc = registry__agency_not_found(err);
		goto cleanup;
	}
	if (rc < 0)
		goto cleanup;
	if (agency->parent_id[0] != '\0' &&
	    (rc = store_agency_get(parent, tx, agency->parent_id, err)) < 0)
		goto cleanup;
	if ((rc = store_officer_count(&out->officer_count, tx, agency->id, err)) < 0)
		goto cleanup;
	snprintf(out->id, sizeof(out->id), "%s", agency->id);
	snprintf(out->name, sizeof(out->name), "%s", agency->name);
	snprintf(out->credit_code, sizeof(out->credit_code), "%s", agency->credit_code);
	snprintf(out->level, sizeof(out->level), "%s", agency->level);
	snprintf(out->region_code, sizeof(out->region_code), "%s", agency->region_code);
	snprintf(out->parent_id, sizeof(out->parent_id), "%s", agency->parent_id);
	snprintf(out->parent_name, sizeof(out->parent_name), "%s", parent->name);
	out->is_justice_bureau = agency->is_justice_bureau;
	out->active = agency->active;
	snprintf(out->duties, sizeof(out->duties), "%s", agency->duties);
	snprintf(out->address, sizeof(out->address), "%s", agency->address);
	snprintf(out->phone, sizeof(out->phone), "%s", agency->phone);
	snprintf(out->complaint_channel, sizeof(out->complaint_channel), "%s",
		 agency->complaint_channel);
cleanup:
	store_rollback(tx);
	sx_free(agency);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

int service_agency_get_public(struct service_agency_public *out, const struct service *svc,
			      const char *id, struct sx_error *err)
{
	return registry__agency_get(out, svc, id, STORE_TX_READ_PUBLIC, err);
}

int service_agency_get_for(struct service_agency_public *out, const struct service *svc,
			   const struct service_actor *actor, const char *id, struct sx_error *err)
{
	return registry__agency_get(out, svc, id, actor ? STORE_TX_READ : STORE_TX_READ_PUBLIC,
				    err);
}

static bool registry__is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int service_registry__query(char *buf, const char *query, struct sx_error *err)
{
	size_t start = 0, end;

	buf[0] = '\0';
	if (query == NULL)
		return 0;
	end = strlen(query);
	while (start < end && registry__is_blank(query[start]))
		start++;
	while (end > start && registry__is_blank(query[end - 1]))
		end--;
	if (end - start > SERVICE_OFFICER_QUERY_MAX_BYTES)
		return sx_error_set(err, SX_EINVALID, "bad_query", "查询内容过长（最多 64 字节）");
	if (!codec_is_valid_utf8(query + start, end - start))
		return sx_error_set(err, SX_EINVALID, "bad_query", "查询内容不是合法的 UTF-8 文本");
	memcpy(buf, query + start, end - start);
	buf[end - start] = '\0';
	return 0;
}

void service_officer_page_clear(struct service_officer_page *p)
{
	if (p == NULL)
		return;
	sx_free(p->items);
	memset(p, 0, sizeof(*p));
}

int service_officer_list_public(struct service_officer_page *out, const struct service *svc,
				const struct service_officer_filter *filter,
				const struct service_paging *paging, struct sx_error *err)
{
	char query[SERVICE_OFFICER_QUERY_MAX_BYTES + 1];
	struct store_officer_filter sf;
	struct store_officer_public *rows = NULL;
	struct store_agency *agency = NULL;
	struct store_tx *tx = NULL;
	const char *agency_id = NULL;
	int64_t page, page_size;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	page = paging && paging->page ? paging->page : 1;
	page_size = paging && paging->page_size ? paging->page_size
						 : SERVICE_OFFICER_PAGE_SIZE_DEFAULT;
	if (page < 1 || page > SERVICE_OFFICER_PAGE_MAX || page_size < 1 ||
	    page_size > SERVICE_OFFICER_PAGE_SIZE_MAX)
		return sx_error_set(err, SX_EINVALID, "bad_page", "页码或每页条数超出范围");
	if ((rc = service_registry__query(query, filter ? filter->query : NULL, err)) < 0)
		return rc;
	if (filter && filter->agency_id && filter->agency_id[0] != '\0') {
		agency_id = filter->agency_id;
		if (!registry__id_is_plausible(agency_id))
			return registry__agency_not_found(err);
	}
	memset(&sf, 0, sizeof(sf));
	sf.agency_id = agency_id;
	sf.query = query[0] ? query : NULL;
	sf.limit = page_size;
	/* page ≤ 100000 and page_size ≤ 100: no overflow. */
	sf.offset = (page - 1) * page_size;

	if ((rc = store_begin(&tx, svc->store, STORE_TX_READ_PUBLIC, err)) < 0)
		return rc;
	if (agency_id) {
		agency = sx_malloc(sizeof(*agency));
		if (agency == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto cleanup;
		}
		rc = store_agency_get(agency, tx, agency_id, err);
		if (rc == SX_ENOTFOUND)
			rc = registry__agency_not_found(err);
		if (rc < 0)
			goto cleanup;
		snprintf(out->agency_name, sizeof(out->agency_name), "%s", agency->name);
	}
	if ((rc = store_officer_list_count(&out->total, tx, &sf, err)) < 0 ||
	    (rc = store_officer_list(&rows, &n, tx, &sf, err)) < 0)
		goto cleanup;
	store_rollback(tx);
	tx = NULL;

	registry__today(out->checked_on);
	if (n > 0) {
		out->items = sx_calloc(n, sizeof(*out->items));
		if (out->items == NULL) {
			rc = sx_error_set(err, SX_ENOMEM, NULL, NULL);
			goto cleanup;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct service_officer_public *o = &out->items[i];
		const struct store_officer_public *r = &rows[i];
		enum officer_credential_state state;

		if (officer_credential_state(&state, r->status, r->valid_from, r->valid_to,
					     out->checked_on) < 0) {
			rc = sx_error_setf(err, SX_ECORRUPT, NULL, NULL,
					   "officer %s: bad status or dates", r->cert_no);
			goto cleanup;
		}
		snprintf(o->name, sizeof(o->name), "%s", r->name);
		snprintf(o->cert_no, sizeof(o->cert_no), "%s", r->cert_no);
		snprintf(o->cert_type, sizeof(o->cert_type), "%s", r->cert_type);
		snprintf(o->field, sizeof(o->field), "%s", r->field);
		snprintf(o->agency_id, sizeof(o->agency_id), "%s", r->agency_id);
		snprintf(o->agency_name, sizeof(o->agency_name), "%s", r->agency_name);
		snprintf(o->valid_from, sizeof(o->valid_from), "%s", r->valid_from);
		snprintf(o->valid_to, sizeof(o->valid_to), "%s", r->valid_to);
		snprintf(o->status, sizeof(o->status), "%s", r->status);
		o->state = (int)state;
		memcpy(o->checked_on, out->checked_on, sizeof(o->checked_on));
	}
	out->count = n;
	out->page = page;
	out->page_size = page_size;
	rc = 0;
cleanup:
	store_rollback(tx);
	sx_free(rows);
	sx_free(agency);
	if (rc < 0)
		service_officer_page_clear(out);
	return rc;
}
